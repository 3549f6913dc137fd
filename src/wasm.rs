//! The one thin boundary between lenient JS input and the strict core (wasm32 only).
//!
//! Input comes from the extension's background, which got it from a page: it is untrusted.
//! A bad batch becomes an empty result, a bad account an "unknown" verdict; nothing panics
//! out, and nothing is logged per account (the console of the user's browser stays quiet).
//!
//! Each call crosses once each way: the batch goes in as the text `JSON.stringify` makes
//! of it, the results come back as one JSON text for `JSON.parse` (`crate::json` reads and
//! writes them). The JS side still passes and receives plain objects.

use wasm_bindgen::prelude::*;

/// Panic messages in the console, for debugging builds only (`--features panic-hook`): the
/// release build has `panic = "abort"` and no panicking path on input, and the hook's
/// formatting code would cost wasm size (docs/DECISIONS.md 25).
#[cfg(feature = "panic-hook")]
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Scores a batch `{now_ms, accounts: [Account]}` and returns one verdict per account, in order.
#[wasm_bindgen]
pub fn score_batch(input: JsValue) -> JsValue {
    let text = stringify(&input).unwrap_or_else(|| {
        // A value JSON cannot hold (a BigInt, a cycle) in one account: each on its own, a
        // failing one as an empty account ("unknown"), as when accounts crossed one by one.
        let field = |name: &str| js_sys::Reflect::get(&input, &JsValue::from_str(name)).ok();
        let now = field("now_ms").and_then(|v| stringify(&v));
        let items = field("accounts")
            .map(|v| each_item(&v, "{}"))
            .unwrap_or_default();
        let now = now.as_deref().unwrap_or("null");
        ["{\"now_ms\":", now, ",\"accounts\":", &items, "}"].concat()
    });
    parse(&crate::json::score_batch(&text, js_sys::Date::now()))
}

/// The model's version and sensitivity levels.
#[wasm_bindgen]
pub fn model_info() -> JsValue {
    parse(&crate::json::model_info(&crate::model_info()))
}

/// `JSON.stringify(value)`, or `None` when it throws or gives `undefined`.
fn stringify(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok()?.as_string()
}

/// `JSON.parse(text)`; `null` when it throws (it cannot: the core writes valid JSON).
fn parse(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// A JS array as a JSON array text, each item stringified on its own (`fallback` when it
/// cannot be); not an array: `[]`.
fn each_item(list: &JsValue, fallback: &str) -> String {
    let mut out = String::from("[");
    if js_sys::Array::is_array(list) {
        for (i, item) in js_sys::Array::from(list).iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(stringify(&item).as_deref().unwrap_or(fallback));
        }
    }
    out.push(']');
    out
}

// --- Coordination (docs/COORDINATION.md) ---------------------------------------------------

/// The posts of a batch: an array of posts, or `{posts: [...]}`. Anything else is no posts;
/// an item that is not an object is skipped.
fn posts_of(input: &JsValue) -> Vec<crate::coord::Post> {
    let text = stringify(input).unwrap_or_else(|| {
        // One post JSON cannot hold: each on its own, a failing one skipped.
        let list = if js_sys::Array::is_array(input) {
            input.clone()
        } else {
            js_sys::Reflect::get(input, &JsValue::from_str("posts")).unwrap_or(JsValue::UNDEFINED)
        };
        each_item(&list, "null")
    });
    crate::json::posts(&text)
}

/// Coordination updates as JS values: one JSON text through `JSON.parse`.
fn coord_to_js(states: &[crate::coord::PostCoordination]) -> JsValue {
    parse(&crate::json::coordination(states))
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
        // Compact updates: a batch's answer is proportional to the batch, not to the groups it
        // grew; `extension/lib/coordination.js` copies a grown group's state to all its posts.
        Coordinator {
            inner: crate::coord::Clusterer::new(crate::coord::Config {
                compact_updates: true,
                ..crate::coord::Config::default()
            }),
        }
    }

    /// Adds a batch of posts (array or `{posts}`); returns the posts whose coordination state
    /// changed other than by a group's growth (new marks, merged groups, cleared marks with
    /// `cluster_id: null`), and for each grown group at least one entry with its new state, which
    /// holds for every post of that group (docs/COORDINATION.md, "Compact updates").
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
