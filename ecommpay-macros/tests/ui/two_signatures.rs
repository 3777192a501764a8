use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Message {
    #[signature]
    signature: String,
    #[signature]
    #[serde(rename = "signature")]
    other: String,
}

fn main() {}
