//! Writes a sample 处理意见书 PDF (`cargo run -p xinfang-gongwen --example
//! letter -- out.pdf [paragraphs]`) to look at the layout without a server.

use xinfang_gongwen::{layout, pdf, Letter};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "letter.pdf".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut paragraphs = vec![
        "信访请求：要求开发商按合同约定交付东湖小区商品房，并赔偿逾期交房造成的损失。".to_string(),
        "事实：你们于2024年3月与杭州某房地产开发有限公司签订商品房买卖合同，约定2025年12月31日前交房，至今未交付。".to_string(),
    ];
    for i in 0..n {
        paragraphs.push(format!("处理意见：予以支持。经调查核实，你们反映的情况属实（第{i}段）。本机关已责成开发商于2026年8月31日前交房，并按合同第十二条约定支付逾期交房违约金。"));
    }
    paragraphs.push("法律法规依据：《城市房地产开发经营管理条例》第三十条。".into());
    paragraphs.push("如不服本处理意见，你们可以自收到本意见书之日起30日内，向杭州市上城区人民政府请求复查（第三十五条）。".into());
    let l = Letter {
        issuer: "杭州市上城区住房和城乡建设局".into(),
        doc_no: "上城住建信处〔2026〕51号".into(),
        title: "信访事项处理意见书".into(),
        recipient: "王建国、李秀英等5人".into(),
        paragraphs,
        attachments: vec![],
        date: "2026年5月20日".into(),
        notes: vec![],
        cc: vec!["杭州市上城区信访局".into()],
    };
    let bytes = pdf(&layout(&l), &l.title).expect("pdf");
    std::fs::write(&out, bytes).expect("write");
}
