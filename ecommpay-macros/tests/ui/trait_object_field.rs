use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Message {
    anything: Box<dyn std::fmt::Display>,
}

fn main() {}
