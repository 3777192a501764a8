use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Message {
    pair: (u8, String),
}

fn main() {}
