use ecommpay_api::signature::Canonical;

#[derive(Canonical)]
struct Payment {
    amount: f64,
    rates: Vec<Option<f32>>,
}

fn main() {}
