use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
#[serde(rename_all = "Title Case")]
struct Message {
    project_id: u64,
}

fn main() {}
