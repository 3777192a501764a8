use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Message {
    #[serde(skip, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

fn main() {}
