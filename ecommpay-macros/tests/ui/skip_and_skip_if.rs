// The derive names `::ecommpay_api`; the runtime core is all it needs.
extern crate ecommpay_core as ecommpay_api;
use ecommpay_macros::Canonical;

#[derive(Canonical)]
struct Message {
    #[serde(skip, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

fn main() {}
