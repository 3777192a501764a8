use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
#[serde(transparent)]
struct Amount {
    value: u64,
    currency: String,
}

fn main() {}
