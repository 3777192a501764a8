// The derive names `::ecommpay_api`; the runtime core is all it needs.
extern crate ecommpay_core as ecommpay_api;
use ecommpay_macros::Canonical;

#[derive(Canonical)]
struct Message {
    #[signature]
    signature: String,
    #[signature]
    #[serde(rename = "signature")]
    other: String,
}

fn main() {}
