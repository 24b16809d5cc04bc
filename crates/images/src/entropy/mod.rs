//! Step 3b, for a JPEG: its entropy-coded data walked symbol by symbol, without dequantising or
//! transforming a block, to prove that the data covers the whole image. `jpeg-decoder` fills
//! blocks it has no data for with grey, so a file cut inside a scan and closed again with an
//! end-of-image marker decodes "successfully". Here:
//!
//! - every scan decodes every block of every MCU it covers (restart intervals included, each
//!   closed by the right restart marker) from real bits: running into a marker or the end of
//!   the file first is [`Refusal::Truncated`];
//! - by the end of the image every component has had every coefficient coded to full
//!   precision: a sequential frame codes each component in exactly one scan, a progressive one
//!   codes the DC and each of the 63 AC coefficients of each component with a first scan and
//!   the refinements down to bit 0. A progressive file that ends after a complete scan (a
//!   blurry or colourless picture) is refused like one cut inside a scan.
//!
//! The only allocation is, for a progressive image, a 64-bit mask per block of a component
//! (which coefficients are already nonzero, which the refinement scans need to know): 8 bytes
//! per 64 pixels of each component, after the limits have passed.

mod huffman;

use huffman::{Bits, Table};

use crate::header::skip_entropy_coded;
use crate::{ImageKind, Refusal};

const KIND: ImageKind = ImageKind::Jpeg;

fn malformed(reason: &'static str) -> Refusal {
    Refusal::Malformed { kind: KIND, reason }
}

fn corrupt(reason: &'static str) -> Refusal {
    Refusal::Undecodable { kind: KIND, reason }
}

/// One component of the frame.
struct Component {
    id: u8,
    h: u32,
    v: u32,
    /// Its blocks across and down, not counting an interleaved scan's MCU padding.
    blocks_wide: u32,
    blocks_high: u32,
    /// Sequential: coded by a scan yet. Progressive: the point transform (Al) each of the 64
    /// coefficients is coded down to, `None` before its first scan.
    coded: [Option<u8>; 64],
    /// Progressive: for each block, which coefficients (bit k, zigzag order) are nonzero.
    nonzero: Vec<u64>,
}

struct Frame {
    progressive: bool,
    width: u32,
    height: u32,
    h_max: u32,
    v_max: u32,
    components: Vec<Component>,
}

/// Walks `bytes`, a JPEG whose header walk and limits have passed.
pub(crate) fn verify(bytes: &[u8]) -> Result<(), Refusal> {
    let truncated = Refusal::Truncated { kind: KIND };
    let mut tables: [[Option<Table>; 4]; 2] = Default::default();
    let mut frame: Option<Frame> = None;
    let mut restart_interval = 0u32;
    let mut pos = 2;
    loop {
        if bytes.get(pos) != Some(&0xFF) {
            return Err(malformed("expected a marker"));
        }
        while bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *bytes.get(pos + 1).ok_or(truncated.clone())?;
        match marker {
            0xD9 => {
                let frame = frame.ok_or(malformed("no frame header"))?;
                return complete(&frame);
            }
            0x01 | 0xD0..=0xD7 => {
                pos += 2;
                continue;
            }
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(pos + 2).ok_or(truncated.clone())?,
            *bytes.get(pos + 3).ok_or(truncated.clone())?,
        ]));
        let end = pos + 2 + length;
        let payload = bytes.get(pos + 4..end).ok_or(truncated.clone())?;
        match marker {
            0xC0..=0xC2 => frame = Some(read_frame(marker == 0xC2, payload)?),
            0xC4 => read_tables(payload, &mut tables)?,
            0xDD => {
                let interval = payload.get(..2).ok_or(malformed("a short DRI segment"))?;
                restart_interval = u32::from(u16::from_be_bytes([interval[0], interval[1]]));
            }
            0xDA => {
                let frame = frame
                    .as_mut()
                    .ok_or(malformed("a scan before the frame header"))?;
                scan(bytes, end, payload, frame, &mut tables, restart_interval)?;
                pos = skip_entropy_coded(bytes, end).ok_or(truncated.clone())?;
                continue;
            }
            _ => {}
        }
        pos = end;
    }
}

/// What a progressive frame's DCT coefficients take in jpeg-decoder's memory until its last
/// scan, from the frame header's payload: each component has (MCUs across x its horizontal
/// sampling factor) x (MCUs down x its vertical one) blocks, of 64 two-byte coefficients.
pub(crate) fn coefficient_bytes(payload: &[u8]) -> Result<u64, Refusal> {
    let frame = read_frame(true, payload)?;
    let mcus_across = u64::from(frame.width.div_ceil(8 * frame.h_max));
    let mcus_down = u64::from(frame.height.div_ceil(8 * frame.v_max));
    Ok(frame
        .components
        .iter()
        .map(|c| mcus_across * u64::from(c.h) * mcus_down * u64::from(c.v) * 64 * 2)
        .sum())
}

fn read_frame(progressive: bool, payload: &[u8]) -> Result<Frame, Refusal> {
    let short = malformed("a short frame header");
    let count = usize::from(*payload.get(5).ok_or(short.clone())?);
    let specs = payload.get(6..6 + 3 * count).ok_or(short)?;
    if count == 0 || count > 4 {
        return Err(malformed("a frame of no or more than four components"));
    }
    let height = u32::from(u16::from_be_bytes([payload[1], payload[2]]));
    let width = u32::from(u16::from_be_bytes([payload[3], payload[4]]));
    let mut components = Vec::with_capacity(count);
    for spec in specs.chunks_exact(3) {
        let (h, v) = (u32::from(spec[1] >> 4), u32::from(spec[1] & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return Err(malformed("a sampling factor outside 1 to 4"));
        }
        if components.iter().any(|c: &Component| c.id == spec[0]) {
            return Err(malformed("two components with one id"));
        }
        components.push(Component {
            id: spec[0],
            h,
            v,
            blocks_wide: 0,
            blocks_high: 0,
            coded: [None; 64],
            nonzero: Vec::new(),
        });
    }
    let h_max = components.iter().map(|c| c.h).max().unwrap_or(1);
    let v_max = components.iter().map(|c| c.v).max().unwrap_or(1);
    for c in &mut components {
        c.blocks_wide = (width * c.h).div_ceil(h_max).div_ceil(8);
        c.blocks_high = (height * c.v).div_ceil(v_max).div_ceil(8);
    }
    Ok(Frame {
        progressive,
        width,
        height,
        h_max,
        v_max,
        components,
    })
}

fn read_tables(mut payload: &[u8], tables: &mut [[Option<Table>; 4]; 2]) -> Result<(), Refusal> {
    let short = malformed("a short Huffman table");
    while let Some((&class_index, rest)) = payload.split_first() {
        let (class, index) = (class_index >> 4, class_index & 15);
        if class > 1 || index > 3 {
            return Err(malformed("a Huffman table of no class or index"));
        }
        let counts: &[u8; 16] = rest
            .get(..16)
            .ok_or(short.clone())?
            .try_into()
            .map_err(|_| short.clone())?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = rest.get(16..16 + total).ok_or(short.clone())?;
        tables[usize::from(class)][usize::from(index)] = Some(Table::new(counts, symbols)?);
        payload = &rest[16 + total..];
    }
    Ok(())
}

/// A scan's parameters: which components (indices into the frame, with their DC and AC
/// tables), the spectral band `ss..=se` and the successive approximation `ah`, `al`.
struct Scan {
    components: Vec<(usize, u8, u8)>,
    ss: usize,
    se: usize,
    ah: u8,
    al: u8,
}

fn read_scan(payload: &[u8], frame: &Frame) -> Result<Scan, Refusal> {
    let short = malformed("a short scan header");
    let count = usize::from(*payload.first().ok_or(short.clone())?);
    if count == 0 || count > 4 {
        return Err(malformed("a scan of no or more than four components"));
    }
    let specs = payload.get(1..1 + 2 * count).ok_or(short.clone())?;
    let tail = payload.get(1 + 2 * count..4 + 2 * count).ok_or(short)?;
    let mut components = Vec::with_capacity(count);
    for spec in specs.chunks_exact(2) {
        let index = frame
            .components
            .iter()
            .position(|c| c.id == spec[0])
            .ok_or(malformed("a scan of a component the frame does not have"))?;
        if components.iter().any(|&(i, _, _)| i == index) {
            return Err(malformed("a component twice in one scan"));
        }
        components.push((index, spec[1] >> 4, spec[1] & 15));
    }
    let (ss, se, ah, al) = (tail[0], tail[1], tail[2] >> 4, tail[2] & 15);
    if !frame.progressive {
        // Sequential: the whole block (jpeg-decoder reads an Se of 0 as 63).
        if ss != 0 || !(se == 63 || se == 0) || ah != 0 || al != 0 {
            return Err(malformed("a sequential scan with a spectral band"));
        }
        return Ok(Scan {
            components,
            ss: 0,
            se: 63,
            ah: 0,
            al: 0,
        });
    }
    if se > 63 || ss > se || (ss == 0 && se != 0) || (ss > 0 && count != 1) {
        return Err(malformed("a progressive scan with a bad spectral band"));
    }
    if al > 13 || (ah != 0 && ah != al + 1) {
        return Err(malformed(
            "a progressive scan with bad successive approximation",
        ));
    }
    Ok(Scan {
        components,
        ss: usize::from(ss),
        se: usize::from(se),
        ah,
        al,
    })
}

/// Records which coefficients this scan codes, refusing a scan that repeats or skips a step.
fn note_coverage(scan: &Scan, frame: &mut Frame) -> Result<(), Refusal> {
    for &(index, _, _) in &scan.components {
        let component = &mut frame.components[index];
        if scan.ss > 0 && component.coded[0].is_none() {
            return Err(malformed("an AC scan before the component's DC scan"));
        }
        for coded in &mut component.coded[scan.ss..=scan.se] {
            *coded = match (*coded, scan.ah) {
                (None, 0) => Some(scan.al),
                (Some(before), ah) if ah != 0 && before == ah => Some(scan.al),
                _ => {
                    return Err(malformed(
                        "a scan that repeats or skips a coefficient's step",
                    ))
                }
            };
        }
    }
    Ok(())
}

/// At the end of the image: every coefficient of every component coded to full precision.
fn complete(frame: &Frame) -> Result<(), Refusal> {
    if frame
        .components
        .iter()
        .all(|c| c.coded.iter().all(|&coded| coded == Some(0)))
    {
        Ok(())
    } else {
        Err(Refusal::Truncated { kind: KIND })
    }
}

/// Walks one scan's entropy-coded data, from `data`.
fn scan(
    bytes: &[u8],
    data: usize,
    header: &[u8],
    frame: &mut Frame,
    tables: &mut [[Option<Table>; 4]; 2],
    restart_interval: u32,
) -> Result<(), Refusal> {
    let scan = read_scan(header, frame)?;
    note_coverage(&scan, frame)?;
    // The tables this scan uses (a Motion JPEG frame leaves out the standard ones).
    let dc_used = scan.ss == 0 && scan.ah == 0;
    let ac_used = scan.se > 0;
    for &(_, dc, ac) in &scan.components {
        for (used, class, index) in [(dc_used, 0, dc), (ac_used, 1, ac)] {
            if !used {
                continue;
            }
            let slot = tables[class]
                .get_mut(usize::from(index))
                .ok_or(malformed("a Huffman table index over 3"))?;
            if slot.is_none() {
                *slot = Some(
                    Table::standard(class as u8, index)
                        .ok_or(malformed("a scan that uses a Huffman table never defined"))?,
                );
            }
        }
    }
    let tables = &*tables;
    let table = |class: usize, index: u8| {
        tables[class]
            .get(usize::from(index))
            .and_then(Option::as_ref)
    };

    // The MCUs: an interleaved scan's cover the frame in MCU-sized steps (its padding blocks
    // included); a one-component scan's are that component's blocks, one each.
    let interleaved = scan.components.len() > 1;
    let (mcus_wide, mcus_high) = if interleaved {
        (
            frame.width.div_ceil(8 * frame.h_max),
            frame.height.div_ceil(8 * frame.v_max),
        )
    } else {
        let c = &frame.components[scan.components[0].0];
        (c.blocks_wide, c.blocks_high)
    };
    if frame.progressive && scan.ss > 0 {
        let c = &mut frame.components[scan.components[0].0];
        if c.nonzero.is_empty() {
            c.nonzero = vec![0; c.blocks_wide as usize * c.blocks_high as usize];
        }
    }

    let mut bits = Bits::new(bytes, data);
    let mut eob_run = 0u32;
    let total = u64::from(mcus_wide) * u64::from(mcus_high);
    let mut restarts = 0u8;
    for mcu in 0..total {
        if restart_interval > 0 && mcu > 0 && mcu % u64::from(restart_interval) == 0 {
            bits.restart(restarts)?;
            restarts = (restarts + 1) % 8;
            eob_run = 0;
        }
        for &(index, dc, ac) in &scan.components {
            let (h, v) = if interleaved {
                let c = &frame.components[index];
                (c.h, c.v)
            } else {
                (1, 1)
            };
            for _ in 0..h * v {
                if !frame.progressive {
                    let (Some(dc), Some(ac)) = (table(0, dc), table(1, ac)) else {
                        return Err(malformed("a scan that uses a Huffman table never defined"));
                    };
                    sequential_block(&mut bits, dc, ac)?;
                } else if scan.ss == 0 {
                    if scan.ah == 0 {
                        let dc = table(0, dc).ok_or(malformed("no DC Huffman table"))?;
                        let size = u32::from(bits.symbol(dc)?);
                        if size > 11 {
                            return Err(corrupt("a DC difference over 11 bits"));
                        }
                        bits.read(size)?;
                    } else {
                        bits.read(1)?;
                    }
                } else {
                    let ac = table(1, ac).ok_or(malformed("no AC Huffman table"))?;
                    let block = &mut frame.components[index].nonzero[mcu as usize];
                    if scan.ah == 0 {
                        ac_first(&mut bits, ac, &scan, block, &mut eob_run)?;
                    } else {
                        ac_refine(&mut bits, ac, &scan, block, &mut eob_run)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// A sequential block: the DC difference, then run/size codes to the end of the block.
fn sequential_block(bits: &mut Bits, dc: &Table, ac: &Table) -> Result<(), Refusal> {
    let size = u32::from(bits.symbol(dc)?);
    if size > 11 {
        return Err(corrupt("a DC difference over 11 bits"));
    }
    bits.read(size)?;
    let mut k = 1;
    while k < 64 {
        let rs = bits.symbol(ac)?;
        let (run, size) = (usize::from(rs >> 4), u32::from(rs & 15));
        if size == 0 {
            if run != 15 {
                break;
            }
            k += 16;
            continue;
        }
        k += run;
        if k > 63 {
            return Err(corrupt("a block with more than 64 coefficients"));
        }
        bits.read(size)?;
        k += 1;
    }
    Ok(())
}

/// A progressive AC first scan's block: its band's first bits, or one block of an end-of-band
/// run.
fn ac_first(
    bits: &mut Bits,
    ac: &Table,
    scan: &Scan,
    nonzero: &mut u64,
    eob_run: &mut u32,
) -> Result<(), Refusal> {
    if *eob_run > 0 {
        *eob_run -= 1;
        return Ok(());
    }
    let mut k = scan.ss;
    while k <= scan.se {
        let rs = bits.symbol(ac)?;
        let (run, size) = (u32::from(rs >> 4), u32::from(rs & 15));
        if size == 0 {
            if run < 15 {
                *eob_run = (1 << run) + bits.read(run)? - 1;
                break;
            }
            k += 16;
            continue;
        }
        k += run as usize;
        if k > scan.se {
            return Err(corrupt("a coefficient past the scan's band"));
        }
        bits.read(size)?;
        *nonzero |= 1 << k;
        k += 1;
    }
    Ok(())
}

/// A progressive AC refinement scan's block: a correction bit for each coefficient already
/// nonzero, and the band's newly nonzero ones (G.1.2.3).
fn ac_refine(
    bits: &mut Bits,
    ac: &Table,
    scan: &Scan,
    nonzero: &mut u64,
    eob_run: &mut u32,
) -> Result<(), Refusal> {
    let mut k = scan.ss;
    if *eob_run == 0 {
        while k <= scan.se {
            let rs = bits.symbol(ac)?;
            let (mut run, size) = (i32::from(rs >> 4), rs & 15);
            let mut new = false;
            if size != 0 {
                if size != 1 {
                    return Err(corrupt("a refinement of more than one bit"));
                }
                bits.read(1)?;
                new = true;
            } else if run != 15 {
                *eob_run = (1 << run) + bits.read(run as u32)?;
                break;
            }
            while k <= scan.se {
                if *nonzero & (1 << k) != 0 {
                    bits.read(1)?;
                } else {
                    run -= 1;
                    if run < 0 {
                        break;
                    }
                }
                k += 1;
            }
            if new {
                if k > scan.se {
                    return Err(corrupt("a coefficient past the scan's band"));
                }
                *nonzero |= 1 << k;
            }
            k += 1;
        }
    }
    if *eob_run > 0 {
        // The rest of the band: a correction bit for each coefficient already nonzero.
        for k in k..=scan.se {
            if *nonzero & (1 << k) != 0 {
                bits.read(1)?;
            }
        }
        *eob_run -= 1;
    }
    Ok(())
}
