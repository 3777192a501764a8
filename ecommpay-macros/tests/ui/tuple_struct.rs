use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Pair(u8, String);

fn main() {}
