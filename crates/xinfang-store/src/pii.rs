//! Personal data inside stored JSON (issue #20 item 1): the ID number,
//! phone, address and e-mail of petitioners wherever a record carries them
//! (`"id_number"`, `"phone"`, `"address"`, `"email"` string members).
//!
//! Two forms, both working on the serialised text so that nothing else in
//! the JSON moves (serde's field order, escapes — an old chained payload
//! must be rebuilt byte for byte):
//!
//! - **inline** (the case projection `cases.state_json`, not chained): each
//!   value is replaced by its SM4-GCM envelope `v1:<kid>:…`; a rotation
//!   simply re-seals it.
//! - **split** (chained event payloads): each value is replaced by the
//!   marker [`MARKER`] and the values, in order, are sealed together into
//!   `events.pii`, bound to the event's sequence number (it cannot be moved
//!   to another event). The chain hashes the payload *with markers*, so
//!   re-encrypting `events.pii` under a new key never touches the chain,
//!   and no personal data reaches the chain or `audit verify`.

use crate::StoreError;
use xinfang_crypto::{is_sealed, KeyRing};

/// The JSON members that hold personal data.
pub const PII_KEYS: [&str; 4] = ["id_number", "phone", "address", "email"];

/// What a split value is replaced by in a chained payload.
pub const MARKER: &str = "*";

/// Byte ranges (content of the string literal, without quotes) of every
/// PII member's string value, in order.
fn pii_values(json: &str) -> Vec<(usize, usize)> {
    let b = json.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'"' {
            i += 1;
            continue;
        }
        // A member name `"key":"` — quotes inside string content are
        // escaped, so an unescaped `":"` only occurs between name and value.
        let mut hit = None;
        for k in PII_KEYS {
            let end = i + 1 + k.len();
            if b.len() > end + 2 && &b[i + 1..end] == k.as_bytes() && &b[end..end + 3] == b"\":\"" {
                hit = Some(end + 3);
                break;
            }
        }
        match hit {
            Some(start) => {
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                out.push((start, j.min(b.len())));
                i = j + 1;
            }
            None => {
                // Skip this string literal entirely.
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                i = j + 1;
            }
        }
    }
    out
}

/// Whether `json` may hold personal data (a cheap pre-check).
pub fn may_hold_pii(json: &str) -> bool {
    PII_KEYS
        .iter()
        .any(|k| json.contains(&format!("\"{k}\":\"")))
}

/// Replace each PII value (as it stands between its quotes) by `f(value)`.
fn rewrite(
    json: &str,
    mut f: impl FnMut(&str) -> Result<String, StoreError>,
) -> Result<String, StoreError> {
    let ranges = pii_values(json);
    if ranges.is_empty() {
        return Ok(json.to_string());
    }
    let mut out = String::with_capacity(json.len() + ranges.len() * 48);
    let mut last = 0;
    for (s, e) in ranges {
        out.push_str(&json[last..s]);
        out.push_str(&f(&json[s..e])?);
        last = e;
    }
    out.push_str(&json[last..]);
    Ok(out)
}

/// Inline form: every non-empty plaintext value sealed in place.
pub fn seal_inline(json: &str, ring: &KeyRing) -> Result<String, StoreError> {
    rewrite(json, |v| {
        if v.is_empty() || is_sealed(v) {
            Ok(v.to_string())
        } else {
            Ok(ring.seal(v)?)
        }
    })
}

/// Inline form back to plaintext (plaintext values pass through).
pub fn open_inline(json: &str, ring: Option<&KeyRing>) -> Result<String, StoreError> {
    let Some(ring) = ring else {
        return Ok(json.to_string());
    };
    if !json.contains("\"v1:") {
        return Ok(json.to_string());
    }
    rewrite(json, |v| {
        if is_sealed(v) {
            // What was sealed is the value's JSON string body (escapes
            // kept), so it goes back verbatim.
            Ok(ring.open(v)?)
        } else {
            Ok(v.to_string())
        }
    })
}

/// Inline form re-sealed under the active key (rotation); `None` when
/// nothing needed it.
pub fn reseal_inline(json: &str, ring: &KeyRing) -> Result<Option<String>, StoreError> {
    let active = ring.active_data_key();
    let mut changed = false;
    let out = rewrite(json, |v| {
        if v.is_empty() {
            return Ok(v.to_string());
        }
        match xinfang_crypto::sealed_key_id(v) {
            Some(kid) if kid == active => Ok(v.to_string()),
            Some(_) => {
                changed = true;
                Ok(ring.seal(&ring.open(v)?)?)
            }
            None => {
                changed = true;
                Ok(ring.seal(v)?)
            }
        }
    })?;
    Ok(changed.then_some(out))
}

/// Split form: the payload with markers and the values taken out (as
/// their raw JSON string bodies, escapes kept). Empty values stay.
pub fn split(json: &str) -> (String, Vec<String>) {
    let mut values = vec![];
    let out = rewrite(json, |v| {
        if v.is_empty() {
            Ok(String::new())
        } else {
            values.push(v.to_string());
            Ok(MARKER.to_string())
        }
    })
    .expect("splitting cannot fail");
    (out, values)
}

/// Put split values back (the exact original payload).
pub fn merge(chained: &str, values: &[String]) -> Result<String, StoreError> {
    let mut it = values.iter();
    let out = rewrite(chained, |v| {
        if v == MARKER {
            it.next()
                .cloned()
                .ok_or_else(|| StoreError::Corrupt("加密字段与事件不符（缺少字段）".into()))
        } else {
            Ok(v.to_string())
        }
    })?;
    if it.next().is_some() {
        return Err(StoreError::Corrupt("加密字段与事件不符（多余字段）".into()));
    }
    Ok(out)
}

/// The context a split event's values are bound to.
pub fn event_context(seq: i64) -> String {
    format!("events:{seq}")
}

/// Seal split values for `events.pii`.
pub fn seal_values(values: &[String], seq: i64, ring: &KeyRing) -> Result<String, StoreError> {
    Ok(ring.seal_bound(&serde_json::to_string(values)?, &event_context(seq))?)
}

/// Open `events.pii`.
pub fn open_values(sealed: &str, seq: i64, ring: &KeyRing) -> Result<Vec<String>, StoreError> {
    Ok(serde_json::from_str(
        &ring.open_bound(sealed, &event_context(seq))?,
    )?)
}

/// A stored event payload as the application wrote it: markers filled
/// back from `events.pii` when there is one.
pub fn event_payload(payload: String, pii: Option<&str>, seq: i64) -> Result<String, StoreError> {
    match pii {
        None => Ok(payload),
        Some(sealed) => {
            let ring = crate::keys::require()?;
            let values = match open_values(sealed, seq, &ring) {
                Err(e) if crate::keys::is_unknown_key(&e) => match crate::keys::reload() {
                    Some(ring) => open_values(sealed, seq, &ring)?,
                    None => return Err(e),
                },
                other => other?,
            };
            merge(&payload, &values)
        }
    }
}

/// A case projection (`cases.state_json`) as stored: sealed inline when keys are loaded.
pub(crate) fn seal_state(json: String) -> Result<String, StoreError> {
    match crate::keys::installed_keys() {
        Some(ring) => seal_inline(&json, &ring),
        None => Ok(json),
    }
}

/// A stored case projection as plaintext JSON (reloading the key file
/// once when it was sealed under a key this process does not know yet).
pub(crate) fn open_state(json: &str) -> Result<String, StoreError> {
    match open_inline(json, crate::keys::installed_keys().as_deref()) {
        Err(e) if crate::keys::is_unknown_key(&e) => match crate::keys::reload() {
            Some(ring) => open_inline(json, Some(&ring)),
            None => Err(e),
        },
        other => other,
    }
}

/// A stored case projection parsed.
pub(crate) fn parse_state<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, StoreError> {
    if json.contains("\"v1:") {
        Ok(serde_json::from_str(&open_state(json)?)?)
    } else {
        Ok(serde_json::from_str(json)?)
    }
}

/// The stored form of a petitioner key (`id:…`, `np:name|phone`,
/// `na:name|address`): `<kind>#<HMAC-SM3 blind index of the whole key>`,
/// so equality look-ups work and the plain value is never stored.
pub fn blind_key(ring: &KeyRing, key: &str) -> String {
    let kind = key.split_once(':').map(|(k, _)| k).unwrap_or("k");
    format!("{kind}#{}", ring.blind(key))
}

/// Whether a stored petitioner key is already blinded.
pub fn is_blind_key(key: &str) -> bool {
    key.split_once('#')
        .is_some_and(|(_, h)| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The rows to store for a case's petitioner keys: blinded when keys are
/// loaded, plus `ph:<phone>` for each `np:` key (petitioner accounts find
/// their cases by phone alone, which a blinded `np:` key cannot offer).
pub(crate) fn index_keys(keys: &[String]) -> Vec<String> {
    let Some(ring) = crate::keys::installed_keys() else {
        return keys.to_vec();
    };
    let mut out = Vec::with_capacity(keys.len() + 1);
    for k in keys {
        if is_blind_key(k) {
            out.push(k.clone());
            continue;
        }
        out.push(blind_key(&ring, k));
        if let Some((_, phone)) = k.strip_prefix("np:").and_then(|r| r.rsplit_once('|')) {
            out.push(blind_key(&ring, &format!("ph:{phone}")));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The keys to look up for these petitioner keys: the blind index under
/// every index key in the file (while a rotation of the index key is
/// rebuilding, rows of either key are found).
pub(crate) fn lookup_keys(keys: &[String]) -> Vec<String> {
    match crate::keys::installed_keys() {
        Some(ring) => keys.iter().flat_map(|k| blind_keys(&ring, k)).collect(),
        None => keys.to_vec(),
    }
}

/// [`blind_key`] under every index key, the active key's first.
pub fn blind_keys(ring: &KeyRing, key: &str) -> Vec<String> {
    let kind = key.split_once(':').map(|(k, _)| k).unwrap_or("k");
    ring.blind_each(key)
        .into_iter()
        .map(|h| format!("{kind}#{h}"))
        .collect()
}

/// The stored forms of a message recipient's opt-out key, and of a
/// dedupe key carrying it, under each index key: (opt-out keys, dedupe
/// keys), two each (repeated when there is one key).
pub(crate) fn recipient_keys(recipient: &str, dedupe: &str) -> ([String; 2], [String; 2]) {
    let Some(ring) = crate::keys::installed_keys() else {
        let r = recipient.to_string();
        let d = dedupe.to_string();
        return ([r.clone(), r], [d.clone(), d]);
    };
    let all = blind_keys(&ring, &format!("to:{recipient}"));
    let first = all[0].clone();
    let second = all.get(1).cloned().unwrap_or_else(|| first.clone());
    let d = |b: &str| {
        if recipient.is_empty() {
            dedupe.to_string()
        } else {
            dedupe.replace(recipient, b)
        }
    };
    ([first.clone(), second.clone()], [d(&first), d(&second)])
}

/// A message recipient (phone or e-mail) as stored: (recipient sealed,
/// the dedupe key with the recipient replaced by its blind index, the
/// blind index for `message_optouts`). Plain when no keys are loaded.
pub(crate) fn stored_recipient(
    recipient: &str,
    dedupe: &str,
) -> Result<(String, String, String), StoreError> {
    let Some(ring) = crate::keys::installed_keys() else {
        return Ok((recipient.into(), dedupe.into(), recipient.into()));
    };
    let blind = blind_key(&ring, &format!("to:{recipient}"));
    let dedupe = if recipient.is_empty() {
        dedupe.to_string()
    } else {
        dedupe.replace(recipient, &blind)
    };
    Ok((ring.seal(recipient)?, dedupe, blind))
}

/// A stored text column (sealed, or plaintext from before) as plaintext,
/// reloading the key file once for a key this process does not know yet.
pub(crate) fn open_text(stored: &str) -> Result<String, StoreError> {
    if !is_sealed(stored) {
        return Ok(stored.to_string());
    }
    match crate::keys::require()?
        .open(stored)
        .map_err(StoreError::from)
    {
        Err(e) if crate::keys::is_unknown_key(&e) => match crate::keys::reload() {
            Some(ring) => Ok(ring.open(stored)?),
            None => Err(e),
        },
        other => other,
    }
}

/// A stored text column (sealed, or plaintext from before) as plaintext;
/// what cannot be opened reads as a notice rather than failing a list.
pub(crate) fn reveal_text(stored: String) -> String {
    if !is_sealed(&stored) {
        return stored;
    }
    let open = |r: &KeyRing| r.open(&stored);
    match crate::keys::installed_keys().map(|r| open(&r)) {
        Some(Ok(p)) => p,
        _ => match crate::keys::reload().map(|r| open(&r)) {
            Some(Ok(p)) => p,
            _ => "（密文，缺少密钥）".into(),
        },
    }
}

/// The look-up key of a phone stored sealed (`reception_appointments.phone_key`).
pub(crate) fn phone_key(phone: &str) -> String {
    match crate::keys::installed_keys() {
        Some(ring) => blind_key(&ring, &format!("ph:{phone}")),
        None => phone.to_string(),
    }
}

/// The stored forms a petitioner's phone may have as a look-up key
/// (accounts, codes, sessions, appointments): `ph#<blind index>` under the
/// active index key, then under the old one while an index-key rotation is
/// rebuilding; the plain number without keys. Always two (repeated when
/// there is only one), for a fixed `IN ($1, $2)`.
pub(crate) fn phone_keys(phone: &str) -> [String; 2] {
    match crate::keys::installed_keys() {
        Some(ring) => {
            let mut all = ring
                .blind_each(&format!("ph:{phone}"))
                .into_iter()
                .map(|h| format!("ph#{h}"));
            let first = all.next().unwrap_or_default();
            let second = all.next().unwrap_or_else(|| first.clone());
            [first, second]
        }
        None => [phone.to_string(), phone.to_string()],
    }
}

/// An optional text column sealed when keys are loaded.
pub(crate) fn seal_opt(v: Option<&str>) -> Result<Option<String>, StoreError> {
    match (v, crate::keys::installed_keys()) {
        (Some(t), Some(ring)) if !t.is_empty() => Ok(Some(ring.seal(t)?)),
        (v, _) => Ok(v.map(str::to_string)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const J: &str = r#"{"petitioners":[{"name":"张三","id_number":"110101199003078515","phone":"13800138000","address":"上城区\"某\"路1号","email":null},{"name":"李四","id_number":null,"phone":"","address":"x"}],"request":"\"phone\":\"not a member\"","phone_note":"k"}"#;

    #[test]
    fn finds_member_values_only() {
        let vals: Vec<&str> = pii_values(J).iter().map(|(s, e)| &J[*s..*e]).collect();
        assert_eq!(
            vals,
            vec![
                "110101199003078515",
                "13800138000",
                r#"上城区\"某\"路1号"#,
                "",
                "x"
            ]
        );
    }

    #[test]
    fn split_and_merge_restore_the_exact_bytes() {
        let (chained, values) = split(J);
        assert!(!chained.contains("110101199003078515"));
        assert!(!chained.contains("13800138000"));
        assert!(chained.contains(r#""phone":"*""#));
        assert_eq!(values.len(), 4);
        assert_eq!(merge(&chained, &values).unwrap(), J);
        assert!(merge(&chained, &values[..3]).is_err());
        let ring = xinfang_crypto::KeyFile::generate().unwrap().ring().unwrap();
        let sealed = seal_values(&values, 7, &ring).unwrap();
        assert_eq!(open_values(&sealed, 7, &ring).unwrap(), values);
        assert!(
            open_values(&sealed, 8, &ring).is_err(),
            "bound to its event"
        );
    }

    #[test]
    fn inline_round_trip_and_reseal() {
        let mut kf = xinfang_crypto::KeyFile::generate().unwrap();
        let ring = kf.ring().unwrap();
        let sealed = seal_inline(J, &ring).unwrap();
        assert!(!sealed.contains("110101199003078515"));
        assert!(!sealed.contains("上城区"));
        let v: serde_json::Value = serde_json::from_str(&sealed).unwrap();
        assert!(v["petitioners"][0]["phone"]
            .as_str()
            .unwrap()
            .starts_with("v1:"));
        assert_eq!(open_inline(&sealed, Some(&ring)).unwrap(), J);
        assert!(reseal_inline(&sealed, &ring).unwrap().is_none());
        kf.rotate_data().unwrap();
        let ring2 = kf.ring().unwrap();
        let resealed = reseal_inline(&sealed, &ring2).unwrap().unwrap();
        assert!(resealed.contains(&format!("\"v1:{}:", ring2.active_data_key())));
        assert!(!resealed.contains(&format!("\"v1:{}:", ring.active_data_key())));
        assert_eq!(open_inline(&resealed, Some(&ring2)).unwrap(), J);
        // Plaintext left by an old version is sealed by the same call.
        assert!(reseal_inline(J, &ring2).unwrap().is_some());
    }
}
