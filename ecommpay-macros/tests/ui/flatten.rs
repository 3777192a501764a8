// The derive names `::ecommpay_api`; the runtime core is all it needs.
extern crate ecommpay_core as ecommpay_api;
use ecommpay_macros::Canonical;

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
