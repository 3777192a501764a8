use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
#[serde(tag = "type")]
enum Operation {
    Sale,
    Refund,
}

fn main() {}
