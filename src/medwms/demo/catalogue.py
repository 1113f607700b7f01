"""The demo's catalogue: manufacturers, product families, partners and users, as plain data.

Manufacturer names are real companies so the demo reads naturally; every GS1 company
prefix, GTIN, registration and licence number here is made up for the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from medwms.auth.rules import Role

COLD = (Decimal(2), Decimal(8))
ROOM = (None, Decimal(30))


@dataclass(frozen=True)
class Maker:
    """A manufacturer: its names, a (demo) GS1 company prefix and where it is registered."""

    key: str
    name: str
    prefix: str  # 9 digits: GTIN-13 = prefix + 3-digit item reference + check digit
    province: str  # "" for an imported product (国械注进)
    filing_city: str = ""


MAKERS: dict[str, Maker] = {m.key: m for m in (
    Maker("MP", "上海微创医疗器械(集团)有限公司 MicroPort", "690357101", "沪"),
    Maker("LP", "乐普(北京)医疗器械股份有限公司 Lepu Medical", "690471503", "京"),
    Maker("WG", "山东威高集团医用高分子制品股份有限公司 Weigao", "690112802", "鲁"),
    Maker("WGK", "山东威高骨科材料股份有限公司 Weigao Orthopaedic", "690112803", "鲁"),
    Maker("MR", "深圳迈瑞生物医疗电子股份有限公司 Mindray", "690823604", "粤"),
    Maker("WN", "稳健医疗用品股份有限公司 Winner Medical", "690965705", "鄂", "咸"),
    Maker("MDT", "Medtronic, Inc. 美敦力", "088100200", ""),
    Maker("BD", "Becton, Dickinson and Company 碧迪", "038001700", ""),
)}


@dataclass(frozen=True)
class Family:
    """A product family under one registration certificate; one item per model."""

    maker: str
    code: str
    name_zh: str
    name_en: str
    risk_class: str
    category: str  # the two-digit category of the 2017 classification (40 = IVD reagent)
    tracking: str
    shelf_days: int
    packs: tuple[tuple[str, int], ...]
    models: tuple[str, ...]
    unit_cost: Decimal
    implant: bool = False
    temp: tuple[Decimal | None, Decimal | None] = ROOM

    @property
    def cold(self) -> bool:
        return self.temp == COLD


def _packs(*levels: tuple[str, int]) -> tuple[tuple[str, int], ...]:
    return (("unit", 1), *levels)


FAMILIES: tuple[Family, ...] = (
    Family("MP", "DES", "药物洗脱冠脉支架系统", "Drug-eluting coronary stent system", "III", "13",
           "LOT_SERIAL", 730, _packs(("box", 5)),
           ("2.50×18mm", "2.75×23mm", "3.00×23mm", "3.50×29mm", "4.00×33mm"),
           Decimal("780"), implant=True, temp=(None, Decimal(25))),
    Family("LP", "BAL", "冠脉球囊扩张导管", "PTCA balloon dilatation catheter", "III", "03",
           "LOT", 1095, _packs(("box", 10)), ("2.0×15mm", "2.5×15mm", "3.0×20mm", "3.5×20mm"),
           Decimal("1200")),
    Family("LP", "ASD", "房间隔缺损封堵器", "Atrial septal defect occluder", "III", "13",
           "SERIAL", 1095, _packs(("box", 5)), ("12mm", "16mm", "20mm"), Decimal("9800"),
           implant=True),
    Family("WG", "SYR", "一次性使用无菌注射器 带针", "Sterile single-use syringe with needle",
           "III", "14", "LOT", 1825, _packs(("box", 100), ("case", 1000)),
           ("1ml", "2ml", "5ml", "10ml", "20ml"), Decimal("0.45")),
    Family("WG", "INF", "一次性使用输液器 带针", "Single-use infusion set with needle", "III",
           "14", "LOT", 1825, _packs(("box", 50), ("case", 500)), ("0.55×20mm", "0.7×25mm"),
           Decimal("1.20")),
    Family("WG", "SUT", "可吸收性外科缝线", "Absorbable surgical suture (PGA)", "III", "02",
           "LOT", 1825, _packs(("box", 12), ("case", 144)),
           ("2-0 75cm", "3-0 75cm", "4-0 45cm", "5-0 45cm"), Decimal("18")),
    Family("WGK", "HIP", "人工髋关节假体 股骨柄", "Hip prosthesis femoral stem", "III", "13",
           "LOT_SERIAL", 1825, _packs(("case", 5)), ("Size 1", "Size 2", "Size 3", "Size 4"),
           Decimal("6500"), implant=True),
    Family("WGK", "LCP", "锁定加压接骨板", "Locking compression bone plate", "III", "13",
           "LOT_SERIAL", 1825, _packs(("case", 5)), ("3.5mm 6孔", "3.5mm 8孔", "4.5mm 10孔"),
           Decimal("2100"), implant=True),
    Family("MDT", "PM", "植入式心脏起搏器", "Implantable cardiac pacemaker", "III", "12",
           "SERIAL", 540, _packs(("case", 4)), ("双腔 DR MRI", "单腔 SR MRI"),
           Decimal("38000"), implant=True),
    Family("MDT", "GC", "冠脉导引导管", "Coronary guiding catheter", "III", "03", "LOT", 1095,
           _packs(("box", 5)), ("6F JL4", "6F JR4", "7F EBU3.5"), Decimal("680")),
    Family("BD", "IVC", "静脉留置针", "IV catheter", "III", "14", "LOT", 1825,
           _packs(("box", 50), ("case", 500)), ("18G", "20G", "22G", "24G"), Decimal("9.50")),
    Family("BD", "VBT", "一次性使用真空采血管", "Vacuum blood collection tube", "II", "22",
           "LOT", 730, _packs(("box", 100), ("case", 1200)),
           ("EDTA-K2 2ml", "血清 5ml", "肝素锂 4ml"), Decimal("0.90")),
    Family("MR", "CTN", "心肌肌钙蛋白I测定试剂盒(化学发光免疫分析法)",
           "Cardiac troponin I assay kit (CLIA)", "III", "40", "LOT", 365,
           _packs(("case", 10)), ("2×50 tests", "2×100 tests"), Decimal("1500"), temp=COLD),
    Family("MR", "HBS", "乙型肝炎病毒表面抗原测定试剂盒(化学发光免疫分析法)",
           "HBsAg assay kit (CLIA)", "III", "40", "LOT", 365, _packs(("case", 10)),
           ("2×50 tests", "2×100 tests"), Decimal("1200"), temp=COLD),
    Family("MR", "ALT", "丙氨酸氨基转移酶测定试剂盒(IFCC法)", "ALT assay kit (IFCC)", "II",
           "40", "LOT", 540, _packs(("case", 10)), ("R1 4×40ml R2 2×20ml", "R1 2×60ml R2 1×30ml"),
           Decimal("320"), temp=COLD),
    Family("MR", "GLU", "葡萄糖测定试剂盒(己糖激酶法)", "Glucose assay kit (hexokinase)", "II",
           "40", "LOT", 540, _packs(("case", 10)), ("R1 4×40ml R2 2×20ml", "R1 2×60ml R2 1×30ml"),
           Decimal("260"), temp=COLD),
    Family("WN", "MSK", "医用外科口罩", "Surgical face mask", "II", "14", "LOT", 730,
           _packs(("box", 50), ("case", 1000)), ("成人 17.5×9.5cm", "儿童 14.5×9.5cm"),
           Decimal("0.40")),
    Family("WN", "SWB", "医用棉签", "Medical cotton swab", "I", "14", "LOT", 1095,
           _packs(("box", 20), ("case", 400)), ("7.5cm", "15cm"), Decimal("1.50")),
)


@dataclass(frozen=True)
class PartnerSpec:
    """A supplier or hospital; `licence_days` from today (None: no licence kept)."""

    code: str
    name: str
    address: str
    licence_prefix: str = ""
    licence_days: int | None = None
    min_remaining_days: int = 0


SUPPLIERS: tuple[PartnerSpec, ...] = (
    PartnerSpec("SUP-SPH", "国药控股上海生物医药有限公司", "上海市浦东新区张江路 88 号",
                "沪药监械经营许", 900),
    PartnerSpec("SUP-JZT", "九州通医疗器械集团有限公司", "湖北省武汉市汉阳区龙阳大道 99 号",
                "鄂药监械经营许", 10),
    PartnerSpec("SUP-SHY", "上海医药分销控股有限公司", "上海市静安区共和路 218 号",
                "沪药监械经营许", 540),
    PartnerSpec("SUP-MDT", "美敦力(上海)管理有限公司", "上海市闵行区新骏环路 258 号",
                "沪药监械经营许", 1200),
    PartnerSpec("SUP-BJYY", "北京医药股份有限公司", "北京市东城区安定门外大街 208 号",
                "京药监械经营许", 365),
)

# Hospitals hold a medical institution practice licence (医疗机构执业许可证), checked before
# every sale (GSP customer file); each is valid well beyond today.
CUSTOMERS: tuple[PartnerSpec, ...] = (
    PartnerSpec("CUS-RJH", "上海交通大学医学院附属瑞金医院", "上海市黄浦区瑞金二路 197 号",
                "沪卫医执字", 1460, min_remaining_days=180),
    PartnerSpec("CUS-ZSH", "复旦大学附属中山医院", "上海市徐汇区枫林路 180 号",
                "沪卫医执字", 1095, min_remaining_days=180),
    PartnerSpec("CUS-XHH", "上海交通大学医学院附属新华医院", "上海市杨浦区控江路 1665 号",
                "沪卫医执字", 730, min_remaining_days=120),
    PartnerSpec("CUS-PUMCH", "北京协和医院", "北京市东城区帅府园 1 号", "京卫医执字", 1825,
                min_remaining_days=180),
    PartnerSpec("CUS-AZH", "首都医科大学附属北京安贞医院", "北京市朝阳区安贞路 2 号",
                "京卫医执字", 400, min_remaining_days=365),
)

# English names of the partners, shown in English mode (the Chinese name is the official one).
PARTNER_NAMES_EN: dict[str, str] = {
    "SUP-SPH": "Sinopharm Holding Shanghai Biomedicine Co., Ltd.",
    "SUP-JZT": "Jointown Medical Devices Group Co., Ltd.",
    "SUP-SHY": "Shanghai Pharmaceutical Distribution Holding Co., Ltd.",
    "SUP-MDT": "Medtronic (Shanghai) Management Co., Ltd.",
    "SUP-BJYY": "Beijing Pharmaceutical Co., Ltd.",
    "CUS-RJH": "Ruijin Hospital, Shanghai Jiao Tong University School of Medicine",
    "CUS-ZSH": "Zhongshan Hospital, Fudan University",
    "CUS-XHH": "Xinhua Hospital, Shanghai Jiao Tong University School of Medicine",
    "CUS-PUMCH": "Peking Union Medical College Hospital",
    "CUS-AZH": "Beijing Anzhen Hospital, Capital Medical University",
}

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("CATH", "心内科导管室 Cath lab"),
    ("GKSS", "骨科手术室 Orthopaedic theatre"),
    ("JYK", "检验科 Clinical laboratory"),
    ("ZZ", "重症医学科 Intensive care"),
)

USERS: tuple[tuple[Role, str], ...] = (
    (Role.ADMIN, "系统管理员 Administrator"),
    (Role.MANAGER, "仓库经理 Warehouse manager"),
    (Role.RECEIVER, "收货员 Receiver"),
    (Role.INSPECTOR, "验收员 Quality inspector"),
    (Role.PICKER, "拣货员 Picker"),
    (Role.VERIFIER, "复核员 Verifier"),
    (Role.SHIPPER, "发货员 Shipper"),
    (Role.AUDITOR, "审计员 Auditor"),
    (Role.INTEGRATOR, "接口账号 Integrator"),
    (Role.QUALITY_MANAGER, "质量负责人 Quality manager"),
)


def demo_password(role: Role) -> str:
    """The published demo password of a role's demo user."""
    return f"{role.value}-demo-2026"
