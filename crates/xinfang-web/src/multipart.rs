//! A small `multipart/form-data` reader (RFC 7578) for the two upload forms,
//! over a body already buffered under the route's size limit. Only what the
//! forms need: each part's field name, file name and bytes. Malformed input is
//! an error for a 400, never a panic.

/// One part of the form.
#[derive(Debug)]
pub struct Part {
    pub name: String,
    /// Present for file inputs (may be empty when no file was chosen).
    pub file_name: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut it = content_type.split(';');
    if !it
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    it.filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// `name="x"` or `filename="y"` from a Content-Disposition header value
/// (quoted values may contain `;`; a backslash escapes the next character).
fn param(header: &str, key: &str) -> Option<String> {
    let mut rest = header;
    // Skip the disposition type ("form-data").
    rest = &rest[rest.find(';')? + 1..];
    loop {
        let eq = rest.find('=')?;
        let k = rest[..eq].trim().trim_start_matches(';').trim();
        let after = rest[eq + 1..].trim_start();
        let (value, tail) = if let Some(q) = after.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = q.char_indices();
            let mut end = q.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            v.push(n);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => v.push(c),
                }
            }
            (v, &q[end..])
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        if k.eq_ignore_ascii_case(key) {
            return Some(value);
        }
        rest = tail.trim_start();
        if rest.is_empty() {
            return None;
        }
    }
}

/// Split a body into its parts.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    let mut pos = find(body, delim, 0).ok_or("缺少 multipart 分隔符")?;
    let mut parts = vec![];
    loop {
        pos += delim.len();
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err("multipart 格式错误".into());
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos).ok_or("multipart 头部不完整")?;
        let head =
            std::str::from_utf8(&body[pos..head_end]).map_err(|_| "multipart 头部编码错误")?;
        let mut name = None;
        let mut file_name = None;
        for line in head.split("\r\n") {
            if let Some((k, v)) = line.split_once(':') {
                if k.trim().eq_ignore_ascii_case("content-disposition") {
                    name = param(v, "name");
                    file_name = param(v, "filename");
                }
            }
        }
        let data_start = head_end + 4;
        let mut end_delim = b"\r\n".to_vec();
        end_delim.extend_from_slice(delim);
        let data_end = find(body, &end_delim, data_start).ok_or("multipart 内容不完整")?;
        parts.push(Part {
            name: name.ok_or("multipart 缺少字段名")?,
            file_name,
            data: body[data_start..data_end].to_vec(),
        });
        if parts.len() > 100 {
            return Err("multipart 字段过多".into());
        }
        pos = data_end + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_files() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"query_code\"\r\n\r\nabc\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n..\r\n--XX--\r\n";
        let b = boundary("multipart/form-data; boundary=XX").unwrap();
        let parts = parse(body, &b).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].data, b"abc");
        assert_eq!(parts[1].file_name.as_deref(), Some("a.png"));
        assert_eq!(parts[1].data, b"\x89PNG\r\n\x1a\n..");
        assert!(parse(b"--XX\r\nbroken", "XX").is_err());
        let h = " form-data; name=\"file\"; filename=\"a;b \\\"c\\\".png\"";
        assert_eq!(param(h, "filename").as_deref(), Some("a;b \"c\".png"));
        assert_eq!(param(h, "name").as_deref(), Some("file"));
        assert_eq!(
            param(" form-data; name=plain", "name").as_deref(),
            Some("plain")
        );
        assert_eq!(param(" form-data", "name"), None);
        assert!(boundary("application/json").is_none());
    }
}
