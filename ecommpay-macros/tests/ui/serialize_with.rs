use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Message {
    #[serde(serialize_with = "to_text")]
    amount: u64,
}

fn main() {}
