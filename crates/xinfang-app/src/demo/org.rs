//! The demo organisation: 浙江省 with 杭州市 and 宁波市, three districts each,
//! townships below, and at every level a government, a 信访局 and the
//! functional bodies the issues name, each with its users.

use crate::auth::{hash_password, staff_of};
use crate::error::AppError;
use crate::state::App;
use std::collections::HashMap;
use xinfang_domain::{Role, Staff, UnitId, UnitKind, UnitLevel};
use xinfang_store::NewUser;

/// Functional bodies at each level: (key, kind). Their names depend on
/// the level (see [`body_name`]).
pub const BODIES: &[(&str, UnitKind)] = &[
    ("zhujian", UnitKind::Functional),
    ("renshe", UnitKind::Functional),
    ("ziran", UnitKind::Functional),
    ("shijian", UnitKind::Functional),
    ("gongan", UnitKind::Functional),
    ("zhengfa", UnitKind::PoliticalLegal),
    ("jiwei", UnitKind::Discipline),
];

/// The real name of a body at a level, as the bodies name themselves:
/// 部 in the State Council, 厅 in a province (市场监督管理局 stays 局),
/// 局 below; a district's police is the city bureau's 分局; the party's
/// 政法委 and 纪委 carry 中共 (the 纪委 sits with the 监察委员会).
/// `area` is the area's full name (国家, 浙江省, 杭州市, 杭州市上城区).
pub fn body_name(key: &str, level: UnitLevel, area: &str) -> String {
    let national = level == UnitLevel::National;
    let provincial = level == UnitLevel::Provincial;
    match key {
        "zhujian" if national => "住房和城乡建设部".into(),
        "renshe" if national => "人力资源和社会保障部".into(),
        "ziran" if national => "自然资源部".into(),
        "shijian" if national => "国家市场监督管理总局".into(),
        "gongan" if national => "公安部".into(),
        "zhengfa" if national => "中共中央政法委员会".into(),
        "jiwei" if national => "中央纪律检查委员会（国家监察委员会）".into(),
        "zhujian" if provincial => format!("{area}住房和城乡建设厅"),
        "renshe" if provincial => format!("{area}人力资源和社会保障厅"),
        "ziran" if provincial => format!("{area}自然资源厅"),
        "gongan" if provincial => format!("{area}公安厅"),
        "zhujian" => format!("{area}住房和城乡建设局"),
        "renshe" => format!("{area}人力资源和社会保障局"),
        "ziran" => format!("{area}自然资源和规划局"),
        "shijian" => format!("{area}市场监督管理局"),
        "gongan" => match area.split_once('市') {
            Some((city, district)) if !district.is_empty() => {
                format!("{city}市公安局{district}分局")
            }
            _ => format!("{area}公安局"),
        },
        "zhengfa" => format!("中共{area}委政法委员会"),
        "jiwei" => format!("中共{area}纪律检查委员会（{area}监察委员会）"),
        other => format!("{area}{other}"),
    }
}

/// One area (a government level) of the demo tree.
#[derive(Clone, Debug)]
pub struct Area {
    pub region_code: String,
    pub level: UnitLevel,
    pub government: UnitId,
    pub bureau: UnitId,
    pub bodies: HashMap<&'static str, UnitId>,
    pub townships: Vec<UnitId>,
}

/// The demo tree and who acts for each unit.
pub struct DemoOrg {
    pub areas: Vec<Area>,
    /// Desk staff (registrar + handler) of each unit.
    pub desk: HashMap<UnitId, Staff>,
    /// The head (leader) of each unit.
    pub head: HashMap<UnitId, Staff>,
    pub user_count: usize,
}

struct Builder<'a> {
    app: &'a App,
    hash: String,
    org: DemoOrg,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "沈", "蒋", "蔡", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "陆",
];
const GIVEN: &[&str] = &[
    "建国", "海燕", "志强", "丽华", "国平", "晓东", "红梅", "卫东", "秀英", "建华", "明", "静",
    "伟", "敏", "军", "洁", "俊杰", "雪梅", "立新", "文斌", "春燕", "振华", "玉兰", "德明", "晓丽",
    "永刚", "桂英", "少华", "亚平", "慧", "新民", "晓燕", "勇", "芳", "国强", "丹", "健", "婷",
    "宏伟", "凤英", "志刚", "玲", "学军", "霞", "瑞", "佳", "鹏", "艳",
];

/// The n-th demo person's name: every staff member has a real-looking name.
fn person(n: usize) -> String {
    format!(
        "{}{}",
        SURNAMES[n % SURNAMES.len()],
        GIVEN[(n / SURNAMES.len() + n * 7) % GIVEN.len()]
    )
}

/// The post of a unit's head, as it is called at that level.
fn head_post(key: &str, level: UnitLevel) -> &'static str {
    use UnitLevel::*;
    match (key, level) {
        ("gov", National) => "国务委员",
        ("gov", Provincial) => "副省长",
        ("gov", Municipal) => "副市长",
        ("gov", _) => "副区长",
        ("zhengfa" | "jiwei", _) => "书记",
        ("gongan", County) => "分局局长",
        ("zhujian" | "renshe" | "ziran" | "gongan", National) => "部长",
        ("zhujian" | "renshe" | "ziran" | "gongan", Provincial) => "厅长",
        _ => "局长",
    }
}

impl Builder<'_> {
    async fn user(
        &mut self,
        username: &str,
        post: &str,
        unit: UnitId,
        roles: &[Role],
    ) -> Result<Staff, AppError> {
        let display = person(self.org.user_count);
        let id = self
            .app
            .store
            .insert_user(&NewUser {
                username,
                display_name: &display,
                unit,
                roles,
                password_hash: &self.hash,
                post,
            })
            .await?;
        self.org.user_count += 1;
        let rec = self
            .app
            .store
            .user_by_id(id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(staff_of(&rec))
    }

    async fn unit(
        &mut self,
        parent: Option<UnitId>,
        name: &str,
        level: UnitLevel,
        kind: UnitKind,
        code: &str,
    ) -> Result<UnitId, AppError> {
        Ok(self
            .app
            .store
            .insert_unit(parent, name, level, kind, code)
            .await?)
    }

    /// A government with its bureau and bodies; users for each.
    async fn area(
        &mut self,
        parent: Option<UnitId>,
        key: &str,
        name: &str,
        gov_name: &str,
        level: UnitLevel,
        code: &str,
    ) -> Result<Area, AppError> {
        let gov = self
            .unit(parent, gov_name, level, UnitKind::Government, code)
            .await?;
        let bureau = self
            .unit(
                Some(gov),
                &format!("{name}信访局"),
                level,
                UnitKind::PetitionBureau,
                code,
            )
            .await?;
        let desk = self
            .user(
                &format!("{key}_zf"),
                "科员",
                gov,
                &[Role::Registrar, Role::Handler],
            )
            .await?;
        self.org.desk.insert(gov, desk);
        let head = self
            .user(
                &format!("{key}_ld"),
                head_post("gov", level),
                gov,
                &[Role::Leader, Role::Handler],
            )
            .await?;
        self.org.head.insert(gov, head);
        let reg = self
            .user(
                &format!("{key}_xfj"),
                "科员",
                bureau,
                &[Role::Registrar, Role::Handler],
            )
            .await?;
        self.org.desk.insert(bureau, reg);
        let sup = self
            .user(
                &format!("{key}_dc"),
                "督查督办科科长",
                bureau,
                &[Role::Supervisor],
            )
            .await?;
        let _ = sup;
        let bhead = self
            .user(
                &format!("{key}_xfj_ld"),
                "局长",
                bureau,
                &[Role::Leader, Role::Supervisor],
            )
            .await?;
        self.org.head.insert(bureau, bhead);
        let mut bodies = HashMap::new();
        for (bkey, kind) in BODIES {
            let body = body_name(bkey, level, name);
            let u = self.unit(Some(gov), &body, level, *kind, code).await?;
            let d = self
                .user(
                    &format!("{key}_{bkey}"),
                    "科员",
                    u,
                    &[Role::Handler, Role::Registrar],
                )
                .await?;
            self.org.desk.insert(u, d);
            let h = self
                .user(
                    &format!("{key}_{bkey}_ld"),
                    head_post(bkey, level),
                    u,
                    &[Role::Leader, Role::Handler],
                )
                .await?;
            self.org.head.insert(u, h);
            bodies.insert(*bkey, u);
        }
        Ok(Area {
            region_code: code.into(),
            level,
            government: gov,
            bureau,
            bodies,
            townships: vec![],
        })
    }
}

/// (key, name, region code, townships) of a district.
type District = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const CITIES: &[(&str, &str, &str, &[District])] = &[
    (
        "hangzhou",
        "杭州市",
        "330100",
        &[
            (
                "shangcheng",
                "上城区",
                "330102",
                &["湖滨街道", "清波街道", "南星街道"],
            ),
            (
                "gongshu",
                "拱墅区",
                "330105",
                &["米市巷街道", "湖墅街道", "祥符街道"],
            ),
            (
                "xihu",
                "西湖区",
                "330106",
                &["北山街道", "西溪街道", "三墩镇"],
            ),
        ],
    ),
    (
        "ningbo",
        "宁波市",
        "330200",
        &[
            (
                "haishu",
                "海曙区",
                "330203",
                &["南门街道", "鼓楼街道", "石碶街道"],
            ),
            (
                "jiangbei",
                "江北区",
                "330205",
                &["中马街道", "白沙街道", "慈城镇"],
            ),
            (
                "beilun",
                "北仑区",
                "330206",
                &["新碶街道", "大碶街道", "春晓街道"],
            ),
        ],
    ),
];

/// Build the tree and users.
pub async fn build(app: &App) -> Result<DemoOrg, AppError> {
    let mut b = Builder {
        app,
        hash: hash_password(super::DEMO_PASSWORD),
        org: DemoOrg {
            areas: vec![],
            desk: HashMap::new(),
            head: HashMap::new(),
            user_count: 0,
        },
    };
    let nation = b
        .area(
            None,
            "guojia",
            "国家",
            "国务院",
            UnitLevel::National,
            "100000",
        )
        .await?;
    let province = b
        .area(
            Some(nation.government),
            "zhejiang",
            "浙江省",
            "浙江省人民政府",
            UnitLevel::Provincial,
            "330000",
        )
        .await?;
    b.user("admin", "系统管理员", province.government, &[Role::Admin])
        .await?;
    b.org.areas.push(nation);
    b.org.areas.push(province.clone());
    for (ckey, cname, ccode, counties) in CITIES {
        let city = b
            .area(
                Some(province.government),
                ckey,
                cname,
                &format!("{cname}人民政府"),
                UnitLevel::Municipal,
                ccode,
            )
            .await?;
        b.org.areas.push(city.clone());
        for (key, name, code, towns) in counties.iter() {
            let full = format!("{cname}{name}");
            let mut county = b
                .area(
                    Some(city.government),
                    key,
                    &full,
                    &format!("{full}人民政府"),
                    UnitLevel::County,
                    code,
                )
                .await?;
            for (i, t) in towns.iter().enumerate() {
                let u = b
                    .unit(
                        Some(county.government),
                        &format!("{full}{t}"),
                        UnitLevel::Township,
                        UnitKind::Township,
                        code,
                    )
                    .await?;
                let d = b
                    .user(
                        &format!("{key}_t{}", i + 1),
                        "科员",
                        u,
                        &[Role::Registrar, Role::Handler],
                    )
                    .await?;
                b.org.desk.insert(u, d);
                let h = b
                    .user(
                        &format!("{key}_t{}_ld", i + 1),
                        if t.ends_with('镇') {
                            "镇长"
                        } else {
                            "街道办事处主任"
                        },
                        u,
                        &[Role::Leader, Role::Handler],
                    )
                    .await?;
                b.org.head.insert(u, h);
                county.townships.push(u);
            }
            b.org.areas.push(county);
        }
    }
    Ok(b.org)
}
