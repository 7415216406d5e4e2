from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.models import Role, User
from xiangcun.assets.demo import build_demo as build_assets_demo
from xiangcun.core.models import SiteFlag
from xiangcun.core.queries import refresh_statistics
from xiangcun.departments.models import Department
from xiangcun.departments.services import ensure_defaults
from xiangcun.domain.catalog import NATIONAL
from xiangcun.domain.demo import (
    COUNTY_CODE,
    COUNTY_NAME,
    DEMO_BASELINE_YEAR,
    DEMO_TARGET_YEAR,
    DEMO_TARGETS,
    county_rows,
    demo_values,
    demo_years,
    household_rows,
    registry_csv,
)
from xiangcun.domain.households.cases import CATEGORIES, CAUSES, MEASURES, STEPS, recheck_date
from xiangcun.domain.households.screening import RULE_CODES, RULES_BY_CODE
from xiangcun.domain.households.workbook import write_registry
from xiangcun.households.cases import record_recheck
from xiangcun.households.models import Case, CaseStep, Household
from xiangcun.households.services import import_households, run_screening
from xiangcun.indicators.models import Indicator, Observation, Target
from xiangcun.indicators.services import ensure_national
from xiangcun.ledgers.demo import build_demo as build_ledgers_demo
from xiangcun.projects.demo import build_demo as build_projects_demo
from xiangcun.regions.models import Region
from xiangcun.regions.services import import_regions
from xiangcun.tasks.demo import build_demo as build_tasks_demo
from xiangcun.villages.demo import build_demo as build_villages_demo

DEMO_PASSWORD = "xiangcun-demo"
CSV_ABOVE = 10_000  # households; larger demo registries are imported as three CSV files


class Command(BaseCommand):
    help = "建立演示县「示范县」：乡镇、村、自然村、部门，以及每个角色一个演示账号（可重复运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="清空数据库后重新建立演示数据")
        parser.add_argument("--villages", type=int, default=100, help="行政村和社区的数量（默认 100）")
        parser.add_argument("--households", type=int, default=3000, help="演示农户数（默认 3000）")
        parser.add_argument("--quiet", action="store_true", help="不打印账号")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        try:
            rows = county_rows(options["villages"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        with transaction.atomic():
            report = import_regions(buffer.getvalue().encode("utf-8"), "demo.csv")
            if not report.ok:
                raise CommandError("演示数据生成失败：" + "；".join(str(e) for e in report.errors[:5]))
            county = Region.objects.get(code=COUNTY_CODE)
            ensure_defaults(county)
            accounts = self._users(county)
            households = self._households(county, options["households"])
            self._cases()
            self._targets(county)
            self.stdout.write(build_projects_demo(county))
            self.stdout.write(build_assets_demo(county))
            self.stdout.write(build_tasks_demo(county))
            self.stdout.write(build_villages_demo(county))
            self.stdout.write(build_ledgers_demo(county))
            SiteFlag.objects.update_or_create(
                name="demo", defaults={"value": {"county": COUNTY_NAME, "built": timezone.now().isoformat()}}
            )
        refresh_statistics()
        self.stdout.write(f"演示数据已就绪：{COUNTY_NAME}，{report.summary()}")
        self.stdout.write(households)
        if not options["quiet"]:
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
            for username, label, scope in accounts:
                self.stdout.write(f"  {username:<10} {label:<6} {scope}")

    def _cases(self) -> None:
        """Cases in every state for the first households that screening flags (once; reruns keep them).

        Each recorded step carries the facts the workflow requires (reason and findings, meeting date,
        attendance and chair, a notice of five days that has ended); 核实 and 评议 are done by different
        accounts, as the county's default requires.
        """
        if Case.objects.exists() or not Household.objects.exists():
            return
        year = timezone.localdate().year - 1
        flagged = run_screening(Household.objects.all(), year, 6000.0, RULE_CODES)[:40]
        today = timezone.localdate()
        people = {u.username: u for u in User.objects.filter(username__in=("village", "township", "county"))}
        plans = [("识别", 0), ("识别", 1), ("识别", 2), ("识别", 3), ("帮扶", 0), ("帮扶", 0), ("消除", 1), ("已消除", 0),
                 ("未纳入", 0)]  # fmt: skip
        for n, row in enumerate(flagged):
            phase, step = plans[n % len(plans)]
            household = Household.objects.get(code=row["household"])
            if phase == "识别":  # open identifications: some on time, one past the 15-day limit
                opened = today - dt.timedelta(days=(1, 4, 5, 11)[step] + 2 * (n // len(plans)))
            else:
                opened = today - dt.timedelta(days=20 + 11 * n)
            case = Case.objects.create(
                household=household, channel="筛查规则", rule_codes=row["rules"], phase=phase, step=step,
                step_started=opened + dt.timedelta(days=(0, 0, 2, 8)[step]) if phase == "识别" else today - dt.timedelta(days=3 * (n % 5)),
                opened_at=opened,
            )  # fmt: skip
            if phase == "识别" and step == 2:  # the notice is up
                case.publicity_start, case.publicity_end = (
                    opened + dt.timedelta(days=3),
                    opened + dt.timedelta(days=7),
                )
            done = STEPS if phase != "识别" else STEPS[:step]
            names = "、".join(RULES_BY_CODE[c].name for c in row["rules"])
            facts = {
                "入户核实": ("village", {"reason": f"筛查预警：{names}"}, "入户核实家庭收支和两不愁三保障情况，与登记一致"),
                "村内评议": ("township", {"meeting_date": str(opened + dt.timedelta(days=2)), "attendance": 18 + n % 9,
                                         "presider": "村党支部书记"}, ""),
                "村内公示": ("village", {"start": str(opened + dt.timedelta(days=3)),
                                        "end": str(opened + dt.timedelta(days=7)), "objections": "", "handling": ""}, "公示期内无异议"),
                "乡镇审核": ("township", {}, "同意"),
                "县级审定": ("county", {}, "同意纳入监测"),
            }  # fmt: skip
            for name in done:
                declined = phase == "未纳入" and name == "村内评议"
                who, step_facts, note = facts[name]
                recorded = CaseStep.objects.create(case=case, phase="识别", name=name, passed=not declined,
                                                   note="收入已稳定，不纳入" if declined else note, facts=step_facts,
                                                   actor=people.get(who))  # fmt: skip
                CaseStep.objects.filter(pk=recorded.pk).update(
                    at=timezone.make_aware(dt.datetime.combine(opened, dt.time(9)))
                    + dt.timedelta(days=(0, 2, 8, 10, 13)[STEPS.index(name)])
                )
                if declined:
                    break
            if phase in ("帮扶", "消除", "已消除"):
                case.category = CATEGORIES[n % len(CATEGORIES)]
                case.causes = [CAUSES[n % len(CAUSES)]]
                case.admitted_at = opened + dt.timedelta(days=15)
                measure, department = MEASURES[n % len(MEASURES)]
                case.measures.create(
                    name=measure,
                    started=case.admitted_at,
                    department=Department.objects.filter(name=department).first(),
                )
            rechecked = phase == "已消除" and (n // len(plans)) % 2 == 1
            if phase == "已消除":  # some cleared long ago, their 回头看 done; others just cleared
                case.cleared_at = today - dt.timedelta(days=200 if rechecked else 5)
                case.recheck_on = recheck_date(case.cleared_at)
            case.save()
            if rechecked:
                record_recheck(case, people["township"], stable=True, on=today - dt.timedelta(days=10),
                               note="入户回头看：务工收入稳定，两不愁三保障和饮水安全有保障")  # fmt: skip

    def _targets(self, county: Region) -> None:
        """National indicators with 2020 baselines and 2025 targets, approved values from 2021 to the last
        year that is over (at most 2025), township values that add up to the county's (domain.demo)."""
        ensure_national()
        owners = {item.code: item.owner for item in NATIONAL}
        departments = {d.name: d for d in Department.objects.filter(region=county)}
        townships = list(county.children.order_by("code"))
        populations = [max(t.population or 0, 1) for t in townships]
        years = demo_years(timezone.localdate().year)
        for code, (baseline, target, binding, _) in DEMO_TARGETS.items():
            indicator = Indicator.objects.get(code=code)
            lower = target < baseline
            Target.objects.update_or_create(
                indicator=indicator, region=county, year=DEMO_TARGET_YEAR, plan_version=None,
                defaults={"value": target, "op": "<=" if lower else ">=", "baseline_year": DEMO_BASELINE_YEAR,
                          "baseline_value": baseline, "attribute": "约束性" if binding else "预期性",
                          "department": departments.get(owners.get(code) or ""), "source": "演示规划"},
            )  # fmt: skip
            county_values, township_values = demo_values(code, indicator.kind, populations, years)
            department = departments.get(owners.get(code) or "")
            approved = Observation.Status.APPROVED
            observations = [
                Observation(indicator=indicator, region=township, year=year, quarter=0, value=value, status=approved)
                for township, series in zip(townships, township_values, strict=True)
                for year, value in series.items()
            ] + [
                Observation(indicator=indicator, region=county, year=year, quarter=0, value=value, status=approved,
                            department=department)
                for year, value in county_values.items()
            ]  # fmt: skip
            # one statement per indicator: thousands of townships × years made update_or_create take minutes
            Observation.objects.bulk_create(
                observations,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["indicator", "region", "year", "quarter"],
                update_fields=["value", "status", "department"],
            )

    def _households(self, county: Region, count: int) -> str:
        if count <= 0:
            return "未生成演示农户。"
        villages = list(
            Region.objects.within(county).filter(depth=5).order_by("code").values_list("code", flat=True)
        )
        year = timezone.localdate().year - 1
        rows = household_rows(villages, count, year)
        if count > CSV_ABOVE:  # the import's CSV form: an .xlsx of a million members takes openpyxl minutes
            result = import_households(registry_csv(*rows), "演示农户登记表-户.csv")
        else:
            result = import_households(write_registry(*rows), "演示农户登记表.xlsx")
        if not result.ok:
            raise CommandError("演示农户生成失败：" + "；".join(str(e) for e in result.errors[:5]))
        return result.summary()

    def _users(self, county: Region) -> list[tuple[str, str, str]]:
        township = county.children.order_by("code").first()
        village = township.children.filter(level="village").order_by("code").first() if township else None
        agriculture = Department.objects.get(region=county, name="农业农村局")
        specs = [
            ("admin", "系统管理员", Role.SYSTEM_ADMIN, None, None),
            ("county", "县乡村振兴局", Role.COUNTY_ADMIN, county, None),
            ("nongye", "农业农村局填报员", Role.DEPARTMENT_REPORTER, county, agriculture),
            (
                "township",
                f"{township.name}管理员" if township else "乡镇管理员",
                Role.TOWNSHIP_ADMIN,
                township,
                None,
            ),
            (
                "village",
                f"{village.name}信息员" if village else "村级信息员",
                Role.VILLAGE_REPORTER,
                village,
                None,
            ),
            ("leader", "县领导", Role.LEADER, county, None),
        ]
        result = []
        for username, full_name, role, region, department in specs:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": full_name, "role": role, "region": region, "department": department},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.password_expires = False  # its password is in the README: never forced to change
                user.is_staff = user.is_superuser = role == Role.SYSTEM_ADMIN
                user.save()
            scope = region.name if region else "全部"
            if department:
                scope += f" · {department.name}"
            result.append((username, Role(role).label, scope))
        return result
