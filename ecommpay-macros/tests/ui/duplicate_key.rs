use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Message {
    #[serde(rename = "id")]
    payment_id: String,
    id: String,
}

fn main() {}
