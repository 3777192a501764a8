//! A minimal loopback HTTP server and the requests the client tests send.

#![allow(dead_code)] // Each test file uses its own part.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ecommpay_api::astropay::SaleRequest;
use ecommpay_api::client::{Gate, RetryPolicy};
use ecommpay_api::paypal::RefundRequest;
use ecommpay_api::shared::{Customer, General, Payment};
use ecommpay_api::{SecretKey, SignedMessage};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub(crate) const KEY: &str = "client-test-secret";

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 server: reads one request per connection, counts it, then behaves.

#[derive(Clone, Copy)]
pub(crate) enum Behaviour {
    /// Answers with this status and body, and closes.
    Answer(u16, &'static str),
    /// Waits, then answers 200.
    Slow(Duration),
    /// Closes the connection without answering, once the request is read.
    Drop,
}

#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub request_line: String,
    pub headers: String,
    pub body: Vec<u8>,
}

pub(crate) struct Server {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub connections: Arc<AtomicUsize>,
}

impl Server {
    pub(crate) async fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (r, c) = (Arc::clone(&received), Arc::clone(&connections));
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(socket, behaviour, Arc::clone(&r)));
            }
        });
        Self {
            url,
            received,
            connections,
        }
    }

    pub(crate) fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

pub(crate) async fn serve(
    mut socket: TcpStream,
    behaviour: Behaviour,
    received: Arc<Mutex<Vec<Received>>>,
) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let Ok(n) = socket.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        let Ok(n) = socket.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        data.extend_from_slice(&buf[..n]);
    }
    let (request_line, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
    received.lock().unwrap().push(Received {
        request_line: request_line.to_owned(),
        headers: headers.to_owned(),
        body: data[head_end..head_end + length].to_vec(),
    });
    let (status, body) = match behaviour {
        Behaviour::Answer(status, body) => (status, body),
        Behaviour::Slow(delay) => {
            tokio::time::sleep(delay).await;
            (200, ACCEPTED)
        }
        Behaviour::Drop => return,
    };
    let answer = format!(
        "HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(answer.as_bytes()).await;
    let _ = socket.shutdown().await;
}

/// A port nobody listens on: bound, then released.
pub(crate) async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

pub(crate) const ACCEPTED: &str = r#"{"status":"success","request_id":"61788f10d1fe-00000001","project_id":210,"payment_id":"order-1"}"#;

pub(crate) fn key() -> SecretKey {
    SecretKey::new(KEY).unwrap()
}

pub(crate) fn gate(url: &str) -> Gate {
    Gate::builder(key())
        .base_url(url)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

pub(crate) fn gate_with_retry(url: &str) -> Gate {
    Gate::builder(key())
        .base_url(url)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy::connection_failures(
            2,
            Duration::from_millis(5),
        ))
        .build()
        .unwrap()
}

pub(crate) fn sale() -> SaleRequest {
    SaleRequest::builder()
        .general(General::builder().project_id(210).payment_id("order-1"))
        .payment(Payment::builder().amount(1000).currency("BRL"))
        .customer(
            Customer::builder()
                .id("customer123")
                .ip_address("192.0.2.10")
                .country("BR"),
        )
        .build()
        .unwrap()
}

pub(crate) fn refund() -> RefundRequest {
    RefundRequest::builder()
        .general(General::builder().project_id(210).payment_id("order-1"))
        .payment(
            Payment::builder()
                .description("partial refund")
                .amount(500)
                .currency("USD"),
        )
        .build()
        .unwrap()
}

/// The signature `Gate::send` computes for the sale, to look for it in outputs.
pub(crate) fn sale_signature() -> String {
    let mut request = sale();
    request.sign(&key()).unwrap();
    request.general.signature.unwrap()
}

// ---------------------------------------------------------------------------------------------
// Answers.
