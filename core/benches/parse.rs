//! `cargo bench -p migcfg-core --bench parse`: init + parse of the three benchmark strings
//! as the C benchmark `c-tests/bench.c` times them through the ABI.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use migcfg_core::Params;
use std::hint::black_box;

const ONE: &[u8] = b"multifd-channels=4";
const TEN: &[u8] = b"multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer,downtime-limit=300,\
multifd-compression=zstd,multifd-zstd-level=3,tls-creds=tls0,cpu-throttle-initial=20,\
xbzrle-cache-size=64M,zero-page-detection=multifd";
const TEN_JSON: &[u8] = b"{\"multifd-channels\": 4, \"max-bandwidth\": 1073741824, \
\"mode\": \"cpr-transfer\", \"downtime-limit\": 300, \"multifd-compression\": \"zstd\", \
\"multifd-zstd-level\": 3, \"tls-creds\": \"tls0\", \"cpu-throttle-initial\": 20, \
\"xbzrle-cache-size\": 67108864, \"zero-page-detection\": \"multifd\"}";

fn parse(c: &mut Criterion) {
    let mut p = Box::new(Params::new());
    for (name, text) in [
        ("init+parse multifd-channels=4", ONE),
        ("init+parse 10 parameters keyval", TEN),
        ("init+parse 10 parameters JSON", TEN_JSON),
    ] {
        p.init();
        p.parse(text).expect("the benchmark string parses");
        c.bench_function(name, |b| {
            b.iter(|| {
                p.init();
                black_box(p.parse(black_box(text)).is_ok())
            })
        });
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
