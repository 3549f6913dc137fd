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
        .filter(|v| js_sys::Array::is_array(v))
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
