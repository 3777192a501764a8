use ecommpay_api::SecretKey;
use ecommpay_api::astropay::PurchaseParams;
use ecommpay_api::payment_page::PaymentPageUrl;

fn main() {
    let key = SecretKey::new("secret").unwrap();
    let params = PurchaseParams::builder().project_id(210).payment_id("order-1");
    // The builder, not the parameter set: `.build()?` is missing.
    let _ = PaymentPageUrl::from_params(params, &key);
}
