use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
enum Status {
    Success,
    Decline { code: u32 },
}

fn main() {}
