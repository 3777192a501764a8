use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Message {
    project_id: u64,
    #[signature]
    sig: String,
}

fn main() {}
