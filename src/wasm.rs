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

/// A batch's coordination changes as JS values (`{groups, posts}`, docs/COORDINATION.md
/// "Wire format"): one JSON text through `JSON.parse`.
fn changes_to_js(changes: &crate::coord::Changes) -> JsValue {
    parse(&crate::json::changes(changes))
}

/// One-shot clustering of a batch of posts: `{groups, posts}` of the coordinated posts.
#[wasm_bindgen]
pub fn cluster_posts(input: JsValue) -> JsValue {
    let mut clusterer = crate::coord::Clusterer::default();
    changes_to_js(&clusterer.add_changes(&posts_of(&input)))
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

    /// Adds a batch of posts (array or `{posts}`); returns `{groups, posts}`: the posts whose
    /// groups changed (new marks, merged groups, cleared marks with no groups) with their group
    /// ids, and the state of every group they name or that grew, once. A post whose groups only
    /// grew is not listed again: `extension/lib/coordination.js` keeps one state per group.
    pub fn add_posts(&mut self, batch: JsValue) -> JsValue {
        changes_to_js(&self.inner.add_changes(&posts_of(&batch)))
    }

    /// Every post that currently has a coordination reason, as `{groups, posts}`.
    pub fn snapshot(&mut self) -> JsValue {
        changes_to_js(&self.inner.snapshot_changes())
    }

    /// Number of posts kept.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }
}
