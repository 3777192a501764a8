use ecommpay_api::signature::Canonical;

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
