//! The mock's Payment Page side: URLs built by the crate's builder, refused URLs, and the
//! callbacks its buttons deliver to a merchant endpoint on loopback.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use ecommpay_api::SecretKey;
use ecommpay_api::astropay::PurchaseParams;
use ecommpay_api::callback::{Callback, CallbackPaymentStatus};
use ecommpay_api::client::{ReqwestTransport, Transport, TransportRequest, TransportResponse};
use ecommpay_api::formats::{CountryCode, CurrencyCode};
use ecommpay_api::payment_page::PaymentPageUrl;
use ecommpay_mock::{MockConfig, MockGate, PageAction};
use serde_json::json;

const KEY: &str = "payment-page-test-secret";

fn purchase(payment_id: &str) -> PurchaseParams {
    PurchaseParams::builder()
        .project_id(120)
        .payment_id(payment_id)
        .payment_currency(CurrencyCode::new("BRL").unwrap())
        .payment_amount(1000u64)
        .customer_id("customer1")
        .customer_country(CountryCode::new("BR").unwrap())
        .force_payment_method("astropay")
        .build()
        .unwrap()
}

fn page_url(mock: &MockGate, params: &PurchaseParams) -> String {
    PaymentPageUrl::from_params(params.clone(), &SecretKey::new(KEY).unwrap())
        .unwrap()
        .with_base_url(format!("{}/payment", mock.base_url()))
        .to_url()
}

async fn send(method: &'static str, url: String, form: Option<&str>) -> TransportResponse {
    let transport = ReqwestTransport::new(Duration::from_secs(5)).unwrap();
    let headers = match form {
        Some(_) => vec![(
            "Content-Type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        None => Vec::new(),
    };
    let body = form.unwrap_or_default().as_bytes().to_vec();
    transport
        .send(TransportRequest::new(
            method,
            url,
            headers,
            body,
            Default::default(),
        ))
        .await
        .unwrap()
}

/// The status line's code for `GET /payment?a=<value>`, sent over a plain socket (an HTTP client
/// refuses URLs this long).
async fn raw_status(mock: &MockGate, value: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = mock.base_url().trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let request =
        format!("GET /payment?a={value} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

fn text(response: &TransportResponse) -> String {
    String::from_utf8(response.body.clone()).unwrap()
}

/// The form action of the page's buttons (`/payment/1`).
fn form_action(page: &str) -> String {
    let start = page.find("action=\"").expect("a form") + "action=\"".len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end].to_owned()
}

/// Opens the Payment Page of a purchase and returns the URL its buttons post to.
async fn open_and_find_buttons(mock: &MockGate, payment_id: &str) -> String {
    let page = text(&send("GET", page_url(mock, &purchase(payment_id)), None).await);
    format!("{}{}", mock.base_url(), form_action(&page))
}

/// A merchant endpoint that keeps the raw bodies it receives and answers 200.
async fn merchant() -> (String, Arc<Mutex<Vec<Bytes>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route(
            "/callback",
            post(
                |State(received): State<Arc<Mutex<Vec<Bytes>>>>, body: Bytes| async move {
                    received.lock().unwrap().push(body);
                    "OK"
                },
            ),
        )
        .with_state(Arc::clone(&received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

async fn mock_with_merchant() -> (MockGate, Arc<Mutex<Vec<Bytes>>>) {
    let (url, received) = merchant().await;
    let mock = MockGate::start(MockConfig::new(SecretKey::new(KEY).unwrap()).callback_url(url))
        .await
        .unwrap();
    (mock, received)
}

#[tokio::test]
async fn a_url_built_by_the_crate_opens_the_page_with_the_amount() {
    let mock = MockGate::start(MockConfig::new(SecretKey::new(KEY).unwrap()))
        .await
        .unwrap();
    let response = send("GET", page_url(&mock, &purchase("order-1")), None).await;
    let page = text(&response);
    assert_eq!(response.status, 200, "{page}");
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("1000 BRL"), "{page}");
    assert!(page.contains(">Pay</button>") && page.contains(">Decline</button>"));
    assert!(page.contains("astropay"), "the method is shown: {page}");
    let visits = mock.payment_page_visits();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].action, PageAction::Open);
    assert_eq!(visits[0].payment_id.as_deref(), Some("order-1"));
    assert_eq!(visits[0].operation, Some("astropay.payment_page.purchase"));
}

#[tokio::test]
async fn a_boolean_sent_as_text_but_signed_as_a_digit_is_refused_with_its_explanation() {
    let mock = MockGate::start(MockConfig::new(SecretKey::new(KEY).unwrap()))
        .await
        .unwrap();
    let mut params = serde_json::to_value(purchase("order-b")).unwrap();
    params["redirect"] = json!(1);
    let url = PaymentPageUrl::from_value(&params)
        .unwrap()
        .with_base_url(format!("{}/payment", mock.base_url()))
        .to_url(&SecretKey::new(KEY).unwrap())
        .unwrap();
    // What the official Node SDK sends for `redirect: true`: `true` in the URL, `1` signed.
    let as_node_sdk = url.replace("redirect=1", "redirect=true");
    let response = send("GET", as_node_sdk, None).await;
    assert_eq!(response.status, 403);
    let page = text(&response);
    for says in [
        "&quot;redirect&quot; signed as 1 where the URL sends true",
        "Node SDK (ecommpay)",
        "instead of a boolean",
    ] {
        assert!(page.contains(says), "{says}: {page}");
    }
}

#[tokio::test]
async fn a_tampered_or_missing_signature_is_refused() {
    let mock = MockGate::start(MockConfig::new(SecretKey::new(KEY).unwrap()))
        .await
        .unwrap();
    let url = page_url(&mock, &purchase("order-1"));
    let tampered = url.replace("payment_amount=1000", "payment_amount=1");
    let response = send("GET", tampered, None).await;
    assert_eq!(response.status, 403);
    assert!(text(&response).contains("does not match its parameters"));

    let unsigned = url[..url.find("&signature=").unwrap()].to_owned();
    let response = send("GET", unsigned, None).await;
    assert_eq!(response.status, 400);
    assert!(text(&response).contains("carries no signature"));

    let response = send("GET", format!("{}/payment?a=%zz", mock.base_url()), None).await;
    assert_eq!(response.status, 400);
    assert!(text(&response).contains("bad percent-encoding"));

    let response = send("GET", format!("{}/payment", mock.base_url()), None).await;
    assert_eq!(response.status, 400);

    // Longer than a URI may be: the HTTP layer refuses it before the page's decoder.
    assert_eq!(raw_status(&mock, &"x".repeat(70_000)).await, 414);
    let answered: Vec<u16> = mock
        .payment_page_visits()
        .iter()
        .map(|v| v.answered)
        .collect();
    assert!(answered.starts_with(&[403, 400, 400, 400]), "{answered:?}");
}

#[tokio::test]
async fn invalid_parameters_are_refused_with_their_paths() {
    let mock = MockGate::start(MockConfig::new(SecretKey::new(KEY).unwrap()))
        .await
        .unwrap();
    let key = SecretKey::new(KEY).unwrap();
    // Signed correctly, but without customer_id, and with a currency that is no ISO code.
    let params = json!({
        "project_id": 120,
        "payment_id": "order-2",
        "payment_amount": 1000,
        "payment_currency": "BRLX",
        "customer_country": "BR",
        "force_payment_method": "astropay",
    });
    let url = PaymentPageUrl::from_value(&params)
        .unwrap()
        .with_base_url(format!("{}/payment", mock.base_url()))
        .to_url(&key)
        .unwrap();
    let response = send("GET", url, None).await;
    let page = text(&response);
    assert_eq!(response.status, 400, "{page}");
    assert!(
        page.contains("<code class=\"path\">customer_id</code>"),
        "{page}"
    );
    assert!(
        page.contains("<code class=\"path\">payment_currency</code>"),
        "{page}"
    );

    // A mode the documents do not have.
    let url = PaymentPageUrl::from_value(
        &json!({"project_id": 1, "payment_id": "x", "mode": "teleport"}),
    )
    .unwrap()
    .with_base_url(format!("{}/payment", mock.base_url()))
    .to_url(&key)
    .unwrap();
    let page = text(&send("GET", url, None).await);
    assert!(page.contains("<code class=\"path\">mode</code>"), "{page}");
}

#[tokio::test]
async fn other_parameters_of_the_platform_are_allowed_and_values_escaped() {
    let mock = MockGate::start(MockConfig::new(SecretKey::new(KEY).unwrap()))
        .await
        .unwrap();
    let mut params = serde_json::to_value(purchase("<b>order-3</b>")).unwrap();
    params["payment_description"] = json!("Book & <script>alert(1)</script>");
    params["language_code"] = json!("en");
    let url = PaymentPageUrl::from_value(&params)
        .unwrap()
        .with_base_url(format!("{}/payment", mock.base_url()))
        .to_url(&SecretKey::new(KEY).unwrap())
        .unwrap();
    let response = send("GET", url, None).await;
    let page = text(&response);
    assert_eq!(response.status, 200, "{page}");
    assert!(
        !page.contains("<script>") && !page.contains("<b>"),
        "{page}"
    );
    assert!(page.contains("Book &amp; &lt;script&gt;"), "{page}");
    assert!(page.contains("&lt;b&gt;order-3&lt;/b&gt;"), "{page}");
}

#[tokio::test]
async fn pay_delivers_a_signed_success_callback_once() {
    let (mock, received) = mock_with_merchant().await;
    let press = open_and_find_buttons(&mock, "order-4").await;
    let response = send("POST", press.clone(), Some("outcome=pay")).await;
    let result = text(&response);
    assert_eq!(response.status, 200, "{result}");
    assert!(result.contains("Payment succeeded"), "{result}");
    assert!(result.contains("HTTP 200"), "{result}");

    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    let callback =
        Callback::verify(&bodies[0], &SecretKey::new(KEY).unwrap()).expect("signed with the key");
    let payment = callback.payment.as_ref().unwrap();
    assert_eq!(payment.id.as_deref(), Some("order-4"));
    assert_eq!(payment.status, Some(CallbackPaymentStatus::Success));
    let raw: serde_json::Value = serde_json::from_slice(&bodies[0]).unwrap();
    assert_eq!(raw["operation"]["type"], "sale");
    assert_eq!(raw["payment"]["type"], "purchase");
    assert_eq!(
        raw["payment"]["sum"],
        json!({"amount": 1000, "currency": "BRL"})
    );
    assert_eq!(raw["project_id"], 120);

    // Pressing again (either button) changes nothing and sends nothing.
    let again = text(&send("POST", press, Some("outcome=decline")).await);
    assert!(
        again.contains("Payment succeeded") && again.contains("decided earlier"),
        "{again}"
    );
    assert_eq!(received.lock().unwrap().len(), 1);
    let visits = mock.payment_page_visits();
    let delivered: Vec<_> = visits.iter().map(|v| (v.action, v.delivered)).collect();
    assert_eq!(
        delivered,
        [
            (PageAction::Open, false),
            (PageAction::Pay, true),
            (PageAction::Decline, false)
        ]
    );
}

#[tokio::test]
async fn decline_delivers_a_decline_callback() {
    let (mock, received) = mock_with_merchant().await;
    let press = open_and_find_buttons(&mock, "order-5").await;
    let result = text(&send("POST", press, Some("outcome=decline")).await);
    assert!(result.contains("Payment declined"), "{result}");
    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    let callback = Callback::verify(&bodies[0], &SecretKey::new(KEY).unwrap()).unwrap();
    assert_eq!(
        callback.payment.as_ref().unwrap().status,
        Some(CallbackPaymentStatus::Decline)
    );
    let raw: serde_json::Value = serde_json::from_slice(&bodies[0]).unwrap();
    assert_eq!(raw["operation"]["status"], "decline");
    assert_eq!(raw["operation"]["code"], "20000");
    assert_eq!(raw["operation"]["message"], "General decline");
}

#[tokio::test]
async fn bad_presses_are_refused() {
    let (mock, received) = mock_with_merchant().await;
    let press = open_and_find_buttons(&mock, "order-6").await;
    let response = send("POST", press.clone(), Some("outcome=refund")).await;
    assert_eq!(response.status, 400);
    let response = send("POST", press, Some("%zz")).await;
    assert_eq!(response.status, 400);
    let response = send(
        "POST",
        format!("{}/payment/99", mock.base_url()),
        Some("outcome=pay"),
    )
    .await;
    assert_eq!(response.status, 404);
    assert!(received.lock().unwrap().is_empty());
}

fn signed_url(mock: &MockGate, params: &serde_json::Value) -> String {
    PaymentPageUrl::from_value(params)
        .unwrap()
        .with_base_url(format!("{}/payment", mock.base_url()))
        .to_url(&SecretKey::new(KEY).unwrap())
        .unwrap()
}

/// Opens the page of `params`, presses "Pay" and returns the one callback the merchant received.
async fn pay_and_take_the_callback(
    mock: &MockGate,
    received: &Mutex<Vec<Bytes>>,
    params: &serde_json::Value,
) -> serde_json::Value {
    let response = send("GET", signed_url(mock, params), None).await;
    let page = text(&response);
    assert_eq!(response.status, 200, "{page}");
    let press = format!("{}{}", mock.base_url(), form_action(&page));
    let result = text(&send("POST", press, Some("outcome=pay")).await);
    assert!(result.contains("Payment succeeded"), "{result}");
    let bodies = received.lock().unwrap();
    assert_eq!(bodies.len(), 1);
    serde_json::from_slice(&bodies[0]).unwrap()
}

#[tokio::test]
async fn a_recurring_registration_is_read_from_its_json_text_and_reported_as_recurring() {
    let (mock, received) = mock_with_merchant().await;
    let mut params = json!({
        "project_id": 120,
        "payment_id": "order-7",
        "payment_amount": 1500,
        "payment_currency": "USD",
        "customer_id": "customer1",
        "force_payment_method": "paypal-wallet",
        "recurring": {"register": true, "type": "U"},
    });
    let raw = pay_and_take_the_callback(&mock, &received, &params).await;
    assert_eq!(raw["payment"]["type"], "recurring");
    assert_eq!(raw["operation"]["type"], "recurring");
    assert_eq!(raw["payment"]["method"], "PayPal Wallet");
    assert_eq!(raw["recurring"]["currency"], "USD");

    // The recurring object's own fields are checked, with their paths.
    params["payment_id"] = json!("order-8");
    params["recurring"] = json!({"register": true, "type": "X"});
    let page = text(&send("GET", signed_url(&mock, &params), None).await);
    assert!(
        page.contains("<code class=\"path\">recurring.type</code>"),
        "{page}"
    );
    params["recurring"] = json!("{not json");
    let page = text(&send("GET", signed_url(&mock, &params), None).await);
    assert!(
        page.contains("<code class=\"path\">recurring</code>"),
        "{page}"
    );
}

#[tokio::test]
async fn without_a_preselected_method_the_customer_chooses_one() {
    let (mock, received) = mock_with_merchant().await;
    let params = json!({
        "project_id": 120,
        "payment_id": "order-9",
        "payment_amount": 1000,
        "payment_currency": "USD",
        "customer_id": "customer1",
    });
    let page = text(&send("GET", signed_url(&mock, &params), None).await);
    assert!(page.contains("<select id=\"operation\""), "{page}");
    assert!(
        page.contains("value=\"paypal.payment_page.purchase\""),
        "{page}"
    );
    let press = format!("{}{}", mock.base_url(), form_action(&page));
    let response = send("POST", press.clone(), Some("outcome=pay")).await;
    assert_eq!(response.status, 400, "a method must be chosen");
    let response = send(
        "POST",
        press,
        Some("outcome=pay&operation=paypal.payment_page.purchase"),
    )
    .await;
    assert_eq!(response.status, 200, "{}", text(&response));
    let raw: serde_json::Value = serde_json::from_slice(&received.lock().unwrap()[0]).unwrap();
    assert_eq!(raw["payment"]["method"], "PayPal Wallet");
    assert_eq!(raw["payment"]["id"], "order-9");
}

#[tokio::test]
async fn a_payment_id_reused_with_other_parameters_is_refused() {
    let mock = MockGate::start(MockConfig::new(SecretKey::new(KEY).unwrap()))
        .await
        .unwrap();
    let first = send("GET", page_url(&mock, &purchase("order-10")), None).await;
    assert_eq!(first.status, 200);
    let again = send("GET", page_url(&mock, &purchase("order-10")), None).await;
    assert_eq!(again.status, 200, "the same URL opens the same payment");
    let mut other = serde_json::to_value(purchase("order-10")).unwrap();
    other["payment_amount"] = json!(2000);
    let response = send("GET", signed_url(&mock, &other), None).await;
    assert_eq!(response.status, 409, "{}", text(&response));
    // One mock, one project: the payment_id alone names the payment, as in the ledger.
    let mut other_project = serde_json::to_value(purchase("order-10")).unwrap();
    other_project["project_id"] = json!(121);
    let response = send("GET", signed_url(&mock, &other_project), None).await;
    assert_eq!(response.status, 409, "{}", text(&response));
}

/// Posts a Gate request signed with the key.
async fn gate(mock: &MockGate, path: &str, mut body: serde_json::Value) -> TransportResponse {
    let signature = SecretKey::new(KEY).unwrap().sign_json(&body).unwrap();
    body["general"]["signature"] = signature.into();
    ReqwestTransport::new(Duration::from_secs(5))
        .unwrap()
        .send(TransportRequest::new(
            "POST",
            format!("{}{path}", mock.base_url()),
            vec![("Content-Type", "application/json".into())],
            serde_json::to_vec(&body).unwrap(),
            Default::default(),
        ))
        .await
        .unwrap()
}

fn payout_params(payment_id: &str, uuid: &str) -> serde_json::Value {
    json!({
        "mode": "payout",
        "project_id": 91348,
        "payment_id": payment_id,
        "payment_amount": 7000,
        "payment_currency": "EUR",
        "customer_id": "16061314",
        "customer_email": "p.jeltz@example.com",
        "uuid": uuid,
    })
}

#[tokio::test]
async fn a_registered_payout_is_completed_in_payout_mode() {
    let (mock, received) = mock_with_merchant().await;
    for payment_id in ["payout-1", "payout-2"] {
        let registration = gate(
            &mock,
            "/v2/payment/payout/registration",
            json!({
                "general": {"project_id": 91348, "payment_id": payment_id},
                "customer": {"id": "16061314", "email": "p.jeltz@example.com", "phone": "44991234567", "ip_address": "192.0.2.7"},
                "payment": {"amount": 7000, "currency": "EUR"}
            }),
        )
        .await;
        assert_eq!(registration.status, 200, "{}", text(&registration));
    }
    assert!(mock.settled(Duration::from_secs(10)).await);
    let registered: serde_json::Value = received
        .lock()
        .unwrap()
        .iter()
        .map(|b| serde_json::from_slice::<serde_json::Value>(b).unwrap())
        .find(|c| c["payment"]["id"] == "payout-1")
        .unwrap();
    assert_eq!(
        registered["payment"]["status"],
        "awaiting_payout_completion"
    );
    let uuid = registered["uuid"].as_str().unwrap().to_owned();

    // A uuid the registration did not give: the page opens, but the payout is refused.
    let page = text(
        &send(
            "GET",
            signed_url(&mock, &payout_params("payout-2", "forged")),
            None,
        )
        .await,
    );
    assert!(page.contains("<form"), "{page}");
    let press = format!("{}{}", mock.base_url(), form_action(&page));
    let refused = send("POST", press, Some("outcome=pay")).await;
    assert_eq!(refused.status, 409, "{}", text(&refused));
    assert!(
        text(&refused).contains("unknown_uuid"),
        "{}",
        text(&refused)
    );

    let page = text(
        &send(
            "GET",
            signed_url(&mock, &payout_params("payout-1", &uuid)),
            None,
        )
        .await,
    );
    let press = format!("{}{}", mock.base_url(), form_action(&page));
    let result = text(&send("POST", press, Some("outcome=pay")).await);
    assert!(result.contains("Payment succeeded"), "{result}");
    let bodies = received.lock().unwrap().clone();
    assert_eq!(
        bodies.len(),
        3,
        "two registrations' callbacks and the payout's"
    );
    let paid: serde_json::Value = serde_json::from_slice(&bodies[2]).unwrap();
    assert_eq!(paid["payment"]["type"], "payout");
    assert_eq!(paid["operation"]["type"], "payout");
    assert_eq!(paid["payment"]["status"], "success");
    assert_eq!(mock.payment("payout-1").unwrap().status, "success");
}

#[tokio::test]
async fn a_purchase_made_on_the_page_is_refunded_through_the_gate() {
    let (mock, received) = mock_with_merchant().await;
    // A PayPal purchase as the documents' example has it (002_c6d548ecabfc01b0.txt:147-155).
    let params = json!({
        "project_id": 120,
        "payment_id": "order-pp-refund",
        "payment_amount": 100000,
        "payment_currency": "USD",
        "customer_id": "customer1",
        "force_payment_method": "paypal-wallet",
    });
    let paid = pay_and_take_the_callback(&mock, &received, &params).await;
    assert_eq!(paid["payment"]["status"], "success");
    let payment = mock.payment("order-pp-refund").unwrap();
    assert_eq!(
        (payment.opened_by.as_str(), payment.status.as_str()),
        ("paypal.payment_page.purchase", "success")
    );
    let refund = gate(
        &mock,
        "/v2/payment/wallet/paypal/refund",
        json!({"general": {"project_id": params["project_id"], "payment_id": "order-pp-refund"}, "payment": {"description": "r"}}),
    )
    .await;
    assert_eq!(refund.status, 200, "{}", text(&refund));
    assert!(mock.settled(Duration::from_secs(10)).await);
    assert_eq!(mock.payment("order-pp-refund").unwrap().status, "refunded");

    // The page's payment_id is taken: a Gate sale cannot reuse it.
    let reused = gate(
        &mock,
        "/v2/payment/wallet/paypal/sale",
        json!({
            "general": {"project_id": params["project_id"], "payment_id": "order-pp-refund"},
            "payment": {"amount": 100, "currency": "USD"},
            "customer": {"ip_address": "192.0.2.0", "id": "customer123"},
            "return_url": {"success": "http://example.com/s", "decline": "http://example.com/d"}
        }),
    )
    .await;
    assert_eq!(reused.status, 400);
    assert!(
        text(&reused).contains("payment_id_reused"),
        "{}",
        text(&reused)
    );
}
