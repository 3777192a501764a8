//! What the client traces, in a test binary of its own: the subscriber is the process's global
//! one, so no other test's thread can cache a callsite's interest before it is registered.
#![cfg(feature = "client")]

mod support;

use std::sync::{Arc, Mutex};

use support::*;

/// A writer into a shared buffer, for the tracing subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tracing_names_the_operation_and_payment_never_the_key_or_signature() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let accepted = Server::start(Behaviour::Answer(200, ACCEPTED)).await;
    gate(&accepted.url).send(sale()).await.unwrap();
    let rejected = Server::start(Behaviour::Answer(
        400,
        r#"{"status":"error","code":"3003"}"#,
    ))
    .await;
    gate(&rejected.url).send(sale()).await.unwrap_err();
    gate(&refused_url().await).send(refund()).await.unwrap_err();

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(output.contains("ecommpay.gate"), "{output}");
    assert!(
        output.contains("operation=\"astropay.gate.sale\""),
        "{output}"
    );
    assert!(
        output.contains("operation=\"paypal.gate.refund\""),
        "{output}"
    );
    assert!(output.contains("payment_id=\"order-1\""), "{output}");
    assert!(output.contains("accepted"), "{output}");
    assert!(output.contains("code=\"3003\""), "{output}");
    assert!(!output.contains(KEY), "{output}");
    assert!(!output.contains(&sale_signature()), "{output}");
    assert!(!output.contains("signature"), "{output}");
}
