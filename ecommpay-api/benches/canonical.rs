//! The derived canonical writer against the `serde_json::Value` path, on the same message in the
//! same run; prints the ratio. Kept short so `clippy --all-targets` and `cargo bench` stay quick.

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use ecommpay_api::SecretKey;
use ecommpay_api::signature::low_level::sign_writer;
use ecommpay_api::signature::{Canonical, CanonicalWriter, SignatureRemoval, SortOrder};
use serde::Serialize;

#[derive(Serialize, Canonical)]
struct GateRequest {
    general: General,
    customer: Customer,
    payment: Payment,
    receipt_data: ReceiptData,
    return_url: ReturnUrl,
}

#[derive(Serialize, Canonical)]
struct General {
    project_id: u64,
    payment_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
}

#[derive(Serialize, Canonical)]
struct Customer {
    id: String,
    email: String,
    first_name: String,
    last_name: String,
    address: String,
    ip_address: String,
}

#[derive(Serialize, Canonical)]
struct Payment {
    amount: u64,
    currency: String,
    description: String,
}

#[derive(Serialize, Canonical)]
struct ReceiptData {
    positions: Vec<Position>,
}

#[derive(Serialize, Canonical)]
struct Position {
    quantity: String,
    amount: String,
    description: String,
}

#[derive(Serialize, Canonical)]
struct ReturnUrl {
    success: String,
    decline: String,
}

fn message() -> GateRequest {
    GateRequest {
        general: General {
            project_id: 3254,
            payment_id: "id_38202316".into(),
            signature: None,
        },
        customer: Customer {
            id: "585741".into(),
            email: "johndoe@example.com".into(),
            first_name: "John".into(),
            last_name: "Doe".into(),
            address: "Downing str., 23".into(),
            ip_address: "198.51.100.47".into(),
        },
        payment: Payment {
            amount: 10800,
            currency: "USD".into(),
            description: "Computer keyboards".into(),
        },
        receipt_data: ReceiptData {
            positions: (0..12)
                .map(|i| Position {
                    quantity: "1".into(),
                    amount: (100 + i).to_string(),
                    description: format!("Keyboard {i}"),
                })
                .collect(),
        },
        return_url: ReturnUrl {
            success: "https://paymentpage.example.com/complete-redirect?id=success".into(),
            decline: "https://paymentpage.example.com/complete-redirect?id=decline".into(),
        },
    }
}

const GROUP: &str = "sign_gate_request";
const BASELINE: &str = "serde_json_value";
const DERIVED: &str = "derived_writer";

fn benches(c: &mut Criterion) {
    let message = message();
    let key = SecretKey::new("secret").unwrap();
    // The JSON path: the message serialized to a `serde_json::Value`, then signed.
    let through_json = |message: &GateRequest| {
        let value = serde_json::to_value(message).expect("serializable");
        key.sign_json(&value)
    };
    let mut writer = CanonicalWriter::new();
    let mut check = || {
        writer.reset(SortOrder::Natural, SignatureRemoval::Everywhere);
        writer
            .write(&message)
            .expect("the message has a canonical form");
        sign_writer(&mut writer, &key)
    };
    assert_eq!(
        check(),
        through_json(&message).expect("a JSON object"),
        "both paths agree"
    );

    let mut group = c.benchmark_group(GROUP);
    group.bench_function(BASELINE, |b| b.iter(|| through_json(black_box(&message))));
    group.bench_function(DERIVED, |b| b.iter(|| black_box(check())));
    group.finish();
}

/// Time of one iteration of one benchmark of this run, from criterion's estimates: the slope of
/// the linear fit criterion prints, or the mean where there is no slope.
fn nanoseconds(id: &str) -> Option<f64> {
    let dir = std::env::var_os("CRITERION_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| {
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target")
                })
                .join("criterion")
        });
    let text = std::fs::read_to_string(dir.join(GROUP).join(id).join("new/estimates.json")).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["slope"]["point_estimate"]
        .as_f64()
        .or_else(|| estimates["mean"]["point_estimate"].as_f64())
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    if let (Some(baseline), Some(derived)) = (nanoseconds(BASELINE), nanoseconds(DERIVED)) {
        println!(
            "{GROUP}: {DERIVED} {derived:.0} ns, {BASELINE} {baseline:.0} ns: {:.2}x the speed of the baseline",
            baseline / derived
        );
    }
}
