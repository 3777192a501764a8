use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Inner {
    id: String,
}

#[derive(Canonical)]
struct Message {
    #[serde(flatten)]
    inner: Inner,
}

fn main() {}
