//! The one thin boundary between lenient JS input and the strict core (wasm32 only).
//!
//! Input comes from the extension's background, which got it from a page: it is untrusted.
//! A bad batch becomes an empty result, a bad account an "unknown" verdict; nothing panics
//! out, and nothing is logged per account (the console of the user's browser stays quiet).

use crate::Account;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Scores a batch `{now_ms, accounts: [Account]}` and returns one verdict per account, in order.
#[wasm_bindgen]
pub fn score_batch(input: JsValue) -> JsValue {
    let now_ms = js_sys::Reflect::get(&input, &JsValue::from_str("now_ms"))
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|v| v.is_finite())
        .unwrap_or_else(js_sys::Date::now);
    let now = (now_ms / 1000.0) as i64;
    let accounts = js_sys::Reflect::get(&input, &JsValue::from_str("accounts"))
        .ok()
        .filter(js_sys::Array::is_array)
        .map(|val: JsValue| js_sys::Array::from(&val))
        .unwrap_or_default();
    let verdicts: Vec<crate::Verdict> = accounts
        .iter()
        .map(|value| {
            let account: Account = serde_wasm_bindgen::from_value(value).unwrap_or_default();
            crate::score(&account, now)
        })
        .collect();
    to_js(&verdicts)
}

/// The model's version and sensitivity levels.
#[wasm_bindgen]
pub fn model_info() -> JsValue {
    to_js(&crate::model_info())
}

fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

// --- Coordination (docs/COORDINATION.md) ---------------------------------------------------

/// The posts of a batch: an array of posts, or `{posts: [...]}`. Anything else is no posts;
/// a post that does not deserialize is skipped.
fn posts_of(input: &JsValue) -> Vec<crate::coord::Post> {
    let list = if js_sys::Array::is_array(input) {
        input.clone()
    } else {
        js_sys::Reflect::get(input, &JsValue::from_str("posts")).unwrap_or(JsValue::UNDEFINED)
    };
    if !js_sys::Array::is_array(&list) {
        return Vec::new();
    }
    js_sys::Array::from(&list)
        .iter()
        .filter_map(|value| serde_wasm_bindgen::from_value(value).ok())
        .collect()
}

/// Coordination updates as JS values: one JSON string parsed by `JSON.parse` (the same
/// objects `to_js` gives, see `coord::to_json`), instead of one string crossing per post id.
fn coord_to_js(states: &[crate::coord::PostCoordination]) -> JsValue {
    js_sys::JSON::parse(&crate::coord::to_json(states)).unwrap_or(JsValue::NULL)
}

/// One-shot clustering of a batch of posts; returns the coordinated posts only.
#[wasm_bindgen]
pub fn cluster_posts(input: JsValue) -> JsValue {
    let mut clusterer = crate::coord::Clusterer::default();
    clusterer.add(&posts_of(&input));
    coord_to_js(&clusterer.snapshot())
}

/// The coordination detector of one page, kept by the background for the life of a tab.
#[wasm_bindgen]
pub struct Coordinator {
    inner: crate::coord::Clusterer,
}

#[wasm_bindgen]
impl Coordinator {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Coordinator {
        Coordinator {
            inner: crate::coord::Clusterer::default(),
        }
    }

    /// Adds a batch of posts (array or `{posts}`); returns the posts whose coordination state
    /// changed (new marks, grown clusters, and cleared marks with `cluster_id: null`).
    pub fn add_posts(&mut self, batch: JsValue) -> JsValue {
        coord_to_js(&self.inner.add(&posts_of(&batch)))
    }

    /// Every post that currently has a coordination reason.
    pub fn snapshot(&mut self) -> JsValue {
        coord_to_js(&self.inner.snapshot())
    }

    /// Number of posts kept.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }
}
