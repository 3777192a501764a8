// The derive names `::ecommpay_api`; the runtime core is all it needs.
extern crate ecommpay_core as ecommpay_api;
use ecommpay_macros::Canonical;

#[derive(Canonical)]
struct Pair(u8, String);

fn main() {}
