//! A batch of downloads' body, `{"images": [{"userId"?, "tweetId"}, ...], "size"?}`, parsed into checked
//! items: most bodies read straight into strings borrowed from the body, any other through the
//! single route's checks, with the same answers either way.

use std::borrow::Cow;

use serde_json::Value;

use super::{image_ref, optional_size, MAX_ID_BYTES};
use crate::api::ids::{TweetId, UserId};
use crate::api::keys::Size;
use crate::api::ApiError;
use crate::config::MAX_BATCH_IMAGES;

/// The most a batch item costs written plainly, ids aside: `{"userId":"","tweetId":""},`.
const BATCH_ITEM_BYTES: usize = r#"{"userId":"","tweetId":""},"#.len();
/// A batch body larger than this is refused before parsing: room for [`MAX_BATCH_IMAGES`]
/// items with both ids at [`MAX_ID_BYTES`], as `JSON.stringify` writes them, and 4 KiB for
/// the envelope and spacing. No more, so a body cannot cost more parsing than the largest
/// batch needs.
pub const MAX_BATCH_BODY_BYTES: usize =
    MAX_BATCH_IMAGES * (BATCH_ITEM_BYTES + 2 * MAX_ID_BYTES) + 4096;

/// One image of a batch, checked as [`UserId`] and [`TweetId`] are: whose (`userId`, when given) and which
/// (`tweetId`), borrowed from the body where they hold no escape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchImage<'a> {
    /// `userId`, when given.
    pub user_id: Option<Cow<'a, str>>,
    /// `tweetId`.
    pub tweet_id: Cow<'a, str>,
}

/// A batch body, checked: its images in order, and the `size` asked for all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch<'a> {
    /// The images, in the order asked.
    pub images: Vec<BatchImage<'a>>,
    /// `size`, when given: which variant every URL names (`IMAGE_PIPELINE=on`).
    pub size: Option<Size>,
}

/// Parses and checks a batch body: `{"images": [...], "size"?}` with 1 to `max_images` items,
/// each `{"userId"?, "tweetId"}`. An item's error names it (`images[3].tweetId ...`).
pub fn parse_batch(body: &[u8], max_images: usize) -> Result<Batch<'_>, ApiError> {
    if body.len() > MAX_BATCH_BODY_BYTES {
        return Err(ApiError::BodyTooLarge(MAX_BATCH_BODY_BYTES));
    }
    // The common case, read straight into borrowed strings; any body it cannot read (wrong
    // types, duplicate fields, not an object) goes through the general path below, which
    // answers as the single route does and names what is wrong. Only an object in valid UTF-8
    // takes it: serde skips the fields it ignores without checking their text, and a derived
    // struct would also read an array. (Skipped fields are still not held to the general
    // path's nesting limit or number range: the body limit bounds them.)
    let object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let text = std::str::from_utf8(body).ok().filter(|_| object);
    if let Some(Ok(batch)) = text.map(serde_json::from_str::<PlainBatch>) {
        if let Some(items) = batch.images {
            if items.is_empty() || items.len() > max_images {
                return Err(ApiError::BatchSize(max_images));
            }
            let size = batch.size.as_deref().map(Size::parse).transpose()?;
            let images = items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    plain_image(item).map_err(|e| ApiError::InImage(index, Box::new(e)))
                })
                .collect::<Result<_, _>>()?;
            return Ok(Batch { images, size });
        }
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    let Value::Object(fields) = value else {
        return Err(ApiError::NotABatch);
    };
    let items = match fields.get("images") {
        None | Some(Value::Null) => return Err(ApiError::MissingField("images")),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ApiError::NotABatch),
    };
    if items.is_empty() || items.len() > max_images {
        return Err(ApiError::BatchSize(max_images));
    }
    let size = optional_size(&fields)?;
    let images = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let Value::Object(item) = item else {
                return Err(ApiError::ImageNotAnObject(index));
            };
            image_ref(item)
                .map(|image| BatchImage {
                    user_id: image.user_id.map(|id| Cow::Owned(id.into_string())),
                    tweet_id: Cow::Owned(image.tweet_id.into_string()),
                })
                .map_err(|e| ApiError::InImage(index, Box::new(e)))
        })
        .collect::<Result<_, _>>()?;
    Ok(Batch { images, size })
}

/// A batch body as most clients send it: strings borrowed from the body where they hold no
/// escapes.
#[derive(serde::Deserialize)]
struct PlainBatch<'a> {
    #[serde(borrow)]
    images: Option<Vec<PlainImage<'a>>>,
    #[serde(borrow)]
    size: Option<Cow<'a, str>>,
}

/// One item, read only from a JSON object (a derived `Deserialize` would also take an array
/// such as `["bob", "t"]`); other fields are skipped, a repeated one refused.
struct PlainImage<'a> {
    user_id: Option<Cow<'a, str>>,
    tweet_id: Option<Cow<'a, str>>,
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for PlainImage<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Fields<'a> {
            type Value = PlainImage<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut image = PlainImage {
                    user_id: None,
                    tweet_id: None,
                };
                while let Some(name) = map.next_key::<BorrowedOrOwned<'de>>()? {
                    let name = name.0;
                    let slot = match name.as_ref() {
                        "userId" => &mut image.user_id,
                        "tweetId" => &mut image.tweet_id,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    if slot.is_some() {
                        return Err(serde::de::Error::custom("a repeated field"));
                    }
                    *slot = map
                        .next_value::<Option<BorrowedOrOwned<'de>>>()?
                        .map(|v| v.0);
                }
                Ok(image)
            }
        }
        deserializer.deserialize_map(Fields(std::marker::PhantomData))
    }
}

/// A string borrowed from the body when it holds no escape, owned otherwise.
struct BorrowedOrOwned<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for BorrowedOrOwned<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> serde::de::Visitor<'de> for Text {
            type Value = BorrowedOrOwned<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(BorrowedOrOwned(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BorrowedOrOwned(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

fn plain_image(item: PlainImage<'_>) -> Result<BatchImage<'_>, ApiError> {
    if let Some(user_id) = &item.user_id {
        UserId::check("userId", user_id)?;
    }
    let tweet_id = item.tweet_id.ok_or(ApiError::MissingField("tweetId"))?;
    TweetId::check(&tweet_id)?;
    Ok(BatchImage {
        user_id: item.user_id,
        tweet_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_batch_paths_agree() {
        // Escaped strings (owned), unknown fields, a null userId: the plain path; a duplicate
        // field or a number: the general one. Same answers either way.
        let plain = br#"{"images":[{"userId":"b\u006fb","tweetId":"t","x":1},{"userId":null,"tweetId":"t2"}],"more":true}"#;
        let images = parse_batch(plain, 5).unwrap().images;
        assert_eq!(images[0].user_id.as_deref(), Some("bob"));
        assert_eq!(images[1].user_id, None);
        let duplicate = br#"{"images":[{"tweetId":"a","tweetId":"b"}]}"#;
        assert_eq!(parse_batch(duplicate, 5).unwrap().images[0].tweet_id, "b");
        assert_eq!(
            parse_batch(br#"{"images":[{"tweetId":5}]}"#, 5),
            Err(ApiError::InImage(
                0,
                Box::new(ApiError::WrongType("tweetId", "a string"))
            ))
        );
        assert_eq!(
            parse_batch(br#"{"images":null}"#, 5),
            Err(ApiError::MissingField("images"))
        );
        assert_eq!(
            parse_batch(br#"{"images":[]}"#, 5),
            Err(ApiError::BatchSize(5))
        );
    }

    fn batch(items: &[serde_json::Value]) -> Vec<u8> {
        serde_json::json!({ "images": items })
            .to_string()
            .into_bytes()
    }

    #[test]
    fn batches_parse_in_order_with_duplicates() {
        let body = batch(&[
            serde_json::json!({"userId": "bob", "tweetId": "t1"}),
            serde_json::json!({"tweetId": "t2"}),
            serde_json::json!({"userId": "bob", "tweetId": "t1"}),
        ]);
        let images = parse_batch(&body, 3).unwrap().images;
        assert_eq!(images.len(), 3);
        assert_eq!(images[0].user_id.as_deref(), Some("bob"));
        assert_eq!(images[1].user_id, None);
        assert_eq!(images[1].tweet_id, "t2");
        assert_eq!(images[0], images[2]);
    }

    #[test]
    fn a_batch_names_one_size_for_all_on_both_paths() {
        let plain = br#"{"images":[{"tweetId":"t"}],"size":"thumb"}"#;
        assert_eq!(parse_batch(plain, 5).unwrap().size, Some(Size::Thumb));
        // A repeated field takes the general path.
        let general = br#"{"images":[{"tweetId":"t","tweetId":"u"}],"size":"display"}"#;
        assert_eq!(parse_batch(general, 5).unwrap().size, Some(Size::Display));
        let none = br#"{"images":[{"tweetId":"t"}],"size":null}"#;
        assert_eq!(parse_batch(none, 5).unwrap().size, None);
        for bad in [
            &br#"{"images":[{"tweetId":"t"}],"size":"big"}"#[..],
            br#"{"images":[{"tweetId":"t","tweetId":"u"}],"size":"big"}"#,
            br#"{"images":[{"tweetId":"t"}],"size":"th\u0075mb "}"#,
        ] {
            assert_eq!(parse_batch(bad, 5), Err(ApiError::InvalidSize));
        }
        assert_eq!(
            parse_batch(br#"{"images":[{"tweetId":"t"}],"size":2}"#, 5),
            Err(ApiError::WrongType("size", "a string"))
        );
        // An escaped value is read as its text.
        let escaped = br#"{"images":[{"tweetId":"t"}],"size":"th\u0075mb"}"#;
        assert_eq!(parse_batch(escaped, 5).unwrap().size, Some(Size::Thumb));
    }

    #[test]
    fn batch_sizes_are_bounded() {
        let item = serde_json::json!({"userId": "u", "tweetId": "t"});
        assert_eq!(parse_batch(&batch(&[]), 5), Err(ApiError::BatchSize(5)));
        assert_eq!(
            parse_batch(&batch(&vec![item.clone(); 5]), 5)
                .unwrap()
                .images
                .len(),
            5
        );
        assert_eq!(
            parse_batch(&batch(&vec![item; 6]), 5),
            Err(ApiError::BatchSize(5))
        );
    }

    #[test]
    fn the_largest_batch_fits_and_no_more() {
        let id = "x".repeat(MAX_ID_BYTES);
        let item = serde_json::json!({"userId": id, "tweetId": id});
        let body = batch(&vec![item; MAX_BATCH_IMAGES]);
        assert!(body.len() <= MAX_BATCH_BODY_BYTES, "{}", body.len());
        assert!(MAX_BATCH_BODY_BYTES - body.len() <= 4096);
        assert_eq!(
            parse_batch(&body, MAX_BATCH_IMAGES).unwrap().images.len(),
            MAX_BATCH_IMAGES
        );
        let mut padded = body.clone();
        padded.truncate(body.len() - 1);
        padded.extend(std::iter::repeat_n(
            b' ',
            MAX_BATCH_BODY_BYTES - body.len() + 1,
        ));
        padded.push(b'}');
        assert_eq!(
            parse_batch(&padded, MAX_BATCH_IMAGES),
            Err(ApiError::BodyTooLarge(MAX_BATCH_BODY_BYTES))
        );
    }

    #[test]
    fn a_bad_item_is_named_by_its_index() {
        let good = serde_json::json!({"userId": "u", "tweetId": "t"});
        let cases = [
            (
                serde_json::json!({"userId": "u"}),
                "images[1].tweetId is required",
            ),
            (
                serde_json::json!({"userId": "u", "tweetId": ""}),
                "images[1].tweetId must not be empty",
            ),
            (
                serde_json::json!({"userId": "", "tweetId": "t"}),
                "images[1].userId must not be empty",
            ),
            (
                serde_json::json!({"userId": "u", "tweetId": "a b"}),
                "images[1].tweetId may hold only letters, digits",
            ),
            (
                serde_json::json!({"userId": 7, "tweetId": "t"}),
                "images[1].userId must be a string",
            ),
            (serde_json::json!("t"), "images[1] must be an object"),
        ];
        for (bad, says) in cases {
            let body = batch(&[good.clone(), bad.clone(), good.clone()]);
            let e = parse_batch(&body, 10).unwrap_err();
            assert!(e.to_string().starts_with(says), "{bad}: {e}");
            assert_eq!(e.status(), 400);
        }
        for body in [r#"[]"#, r#"{"images": {}}"#, r#"{"images": "a"}"#] {
            assert_eq!(
                parse_batch(body.as_bytes(), 10),
                Err(ApiError::NotABatch),
                "{body}"
            );
        }
        assert_eq!(
            parse_batch(br#"{"tweetId": "t"}"#, 10),
            Err(ApiError::MissingField("images"))
        );
    }
}
