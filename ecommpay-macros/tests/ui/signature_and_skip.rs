use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Message {
    project_id: u64,
    #[signature]
    #[serde(skip)]
    signature: String,
}

fn main() {}
