// The derive names `::ecommpay_api`; the runtime core is all it needs.
extern crate ecommpay_core as ecommpay_api;
use ecommpay_macros::Canonical;

#[derive(Canonical)]
#[signature]
struct Message {
    #[signature(strict)]
    signature: String,
}

#[derive(Canonical)]
#[canonical(krate = "ecommpay_api")]
struct Other {
    id: u64,
}

fn main() {}
