use ecommpay_api::client::Gate;
use ecommpay_api::paypal::SaleRequest;
use ecommpay_api::shared::{General, Payment};

async fn open(gate: &Gate) {
    let request = SaleRequest::builder()
        .general(General::builder().project_id(210).payment_id("order-1"))
        .payment(Payment::builder().amount(1000).currency("USD"));
    // The builder, not the request: `.build()?` is missing.
    let _ = gate.send(request).await;
}

fn main() {
    let _ = open;
}
