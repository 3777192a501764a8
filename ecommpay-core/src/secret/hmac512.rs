//! HMAC-SHA512 (RFC 2104) over a key prepared once.
//!
//! The `hmac` crate re-keys on every message (two SHA-512 compressions of the padded key, 40% of
//! signing a typical message) and its state cannot be zeroed. Here the key is absorbed once into
//! the inner and outer SHA-512 states ([`PreparedKey`]), each message starts from a copy of them
//! ([`MacState`]), and every buffer that holds key material is zeroed when dropped. The
//! compression is `sha2::compress512`, the one `sha2::Sha512` runs; what is written here is only
//! the HMAC construction and the SHA-512 padding, checked against the `hmac` crate and the
//! RFC 4231 vectors in the tests.

use sha2::digest::generic_array::GenericArray;
use zeroize::Zeroize;

/// SHA-512 block size in bytes.
const BLOCK: usize = 128;
/// SHA-512 output size in bytes.
pub(crate) const OUTPUT: usize = 64;

/// The SHA-512 initial hash value (FIPS 180-4, 5.3.5).
const IV: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

fn compress(state: &mut [u64; 8], block: &[u8; BLOCK]) {
    sha2::compress512(state, std::slice::from_ref(GenericArray::from_slice(block)));
}

/// The inner and outer SHA-512 states after the padded key (`K ^ ipad`, `K ^ opad`).
#[derive(Clone)]
pub(crate) struct PreparedKey {
    inner: [u64; 8],
    outer: [u64; 8],
}

impl PreparedKey {
    /// Absorbs the key: keys longer than a block are hashed first, shorter ones zero-padded.
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            let mut digest = Sha512::new();
            digest.update(key);
            padded[..OUTPUT].copy_from_slice(&digest.finish());
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let mut block = [0u8; BLOCK];
        let mut derive = |pad: u8| {
            for (b, k) in block.iter_mut().zip(&padded) {
                *b = k ^ pad;
            }
            let mut state = IV;
            compress(&mut state, &block);
            state
        };
        let prepared = Self {
            inner: derive(0x36),
            outer: derive(0x5c),
        };
        padded.zeroize();
        block.zeroize();
        prepared
    }

    /// A MAC over a new message under this key.
    pub(crate) fn start(&self) -> MacState {
        MacState {
            hash: Sha512 {
                state: self.inner,
                buffer: [0; BLOCK],
                filled: 0,
                // The key block is already in.
                total: BLOCK as u128,
            },
            outer: self.outer,
        }
    }
}

impl Drop for PreparedKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// A running SHA-512; its buffer is zeroed on drop (it holds message or key bytes).
#[derive(Clone)]
struct Sha512 {
    state: [u64; 8],
    buffer: [u8; BLOCK],
    filled: usize,
    /// Bytes absorbed so far, the buffered ones included.
    total: u128,
}

impl Sha512 {
    fn new() -> Self {
        Self {
            state: IV,
            buffer: [0; BLOCK],
            filled: 0,
            total: 0,
        }
    }

    #[inline]
    fn update(&mut self, data: &[u8]) {
        // The canonical writer hands over a path, a `:`, a value, a `;`: most pieces fit in what
        // is left of the block, and only need copying.
        let end = self.filled + data.len();
        if end < BLOCK {
            self.buffer[self.filled..end].copy_from_slice(data);
            self.filled = end;
            self.total += data.len() as u128;
            return;
        }
        self.update_blocks(data);
    }

    fn update_blocks(&mut self, mut data: &[u8]) {
        self.total += data.len() as u128;
        if self.filled > 0 {
            let take = (BLOCK - self.filled).min(data.len());
            self.buffer[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled < BLOCK {
                return;
            }
            compress(&mut self.state, &self.buffer);
            self.filled = 0;
        }
        let mut blocks = data.chunks_exact(BLOCK);
        for block in &mut blocks {
            compress(
                &mut self.state,
                block.try_into().expect("chunks_exact gives whole blocks"),
            );
        }
        let rest = blocks.remainder();
        self.buffer[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    fn finish(&mut self) -> [u8; OUTPUT] {
        let bits = self.total.wrapping_mul(8);
        let filled = self.filled;
        self.buffer[filled] = 0x80;
        self.buffer[filled + 1..].fill(0);
        if filled + 1 > BLOCK - 16 {
            compress(&mut self.state, &self.buffer);
            self.buffer.fill(0);
        }
        self.buffer[BLOCK - 16..].copy_from_slice(&bits.to_be_bytes());
        compress(&mut self.state, &self.buffer);
        let mut out = [0u8; OUTPUT];
        for (chunk, word) in out.chunks_exact_mut(8).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

impl Drop for Sha512 {
    fn drop(&mut self) {
        self.state.zeroize();
        self.buffer.zeroize();
    }
}

/// HMAC-SHA512 of one message, started from a [`PreparedKey`].
#[derive(Clone)]
pub(crate) struct MacState {
    hash: Sha512,
    outer: [u64; 8],
}

impl MacState {
    /// Absorbs more of the message.
    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.hash.update(data);
    }

    /// The 64 bytes of the MAC.
    pub(crate) fn finalize(mut self) -> [u8; OUTPUT] {
        let mut inner = self.hash.finish();
        let mut outer = Sha512 {
            state: self.outer,
            buffer: [0; BLOCK],
            filled: 0,
            total: BLOCK as u128,
        };
        outer.update(&inner);
        inner.zeroize();
        outer.finish()
    }

    /// Whether the MAC equals `expected`, compared in constant time.
    pub(crate) fn verify(self, expected: &[u8]) -> bool {
        use subtle::ConstantTimeEq as _;
        let mut actual = self.finalize();
        let equal = expected.len() == OUTPUT && bool::from(actual.ct_eq(expected));
        actual.zeroize();
        equal
    }
}

impl std::fmt::Debug for MacState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacState(<redacted>)")
    }
}

impl Drop for MacState {
    fn drop(&mut self) {
        self.outer.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    fn reference(key: &[u8], message: &[u8]) -> [u8; OUTPUT] {
        let mut mac = <Hmac<sha2::Sha512> as Mac>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    fn ours(key: &[u8], pieces: &[&[u8]]) -> [u8; OUTPUT] {
        let mut mac = PreparedKey::new(key).start();
        for piece in pieces {
            mac.update(piece);
        }
        mac.finalize()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc_4231_vectors() {
        let cases: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
                 daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
                 9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352\
                 6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
            ),
        ];
        for (key, message, expected) in cases {
            assert_eq!(hex(&ours(key, &[message])), expected);
        }
    }

    #[test]
    fn agrees_with_the_hmac_crate_on_every_length_and_split() {
        let data: Vec<u8> = (0..600u32).map(|i| (i * 31 % 251) as u8).collect();
        for key_len in [0, 1, 63, 64, 127, 128, 129, 300] {
            let key = &data[..key_len];
            for len in (0..=400)
                .step_by(7)
                .chain([111, 112, 127, 128, 129, 255, 256])
            {
                let message = &data[100..100 + len];
                let split = len / 3;
                assert_eq!(
                    ours(key, &[&message[..split], &message[split..]]),
                    reference(key, message),
                    "key {key_len}, message {len}"
                );
            }
        }
    }

    #[test]
    fn verify_compares_the_whole_mac() {
        let key = PreparedKey::new(b"k");
        let mut mac = key.start();
        mac.update(b"m");
        let good = mac.clone().finalize();
        assert!(mac.clone().verify(&good));
        let mut bad = good;
        bad[63] ^= 1;
        assert!(!mac.clone().verify(&bad));
        assert!(!mac.verify(&good[..63]));
    }
}
