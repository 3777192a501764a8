// The derive names `::ecommpay_api`; the runtime core is all it needs.
extern crate ecommpay_core as ecommpay_api;
use ecommpay_macros::Canonical;

#[derive(Canonical)]
enum Status {
    Success,
    Decline { code: u32 },
}

fn main() {}
