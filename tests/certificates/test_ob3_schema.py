"""Every kind's signed Open Badges 3.0 export (certificate, referral letter, commendation) is valid against
1EdTech's OB 3.0 AchievementCredential JSON Schema (VC 2.0, draft 2019-09), vendored as a fixture (see its
SOURCE.md), and the check can fail: the schema rejects an export missing what it requires."""
import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

from portal.certificates import badges

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "ob_v3p0_achievementcredential_schema.json")
                    .read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator():
    Draft201909Validator.check_schema(SCHEMA)
    return Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)


def _errors(validator, document) -> list[str]:
    """Each schema error as "path: message", the path as JSON Pointer-ish segments ($ for the root)."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}"
            for e in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]


def _exports(three) -> dict[str, dict]:
    """Each kind's signed export, by kind."""
    return {credential.kind: badges.signed(credential) for credential in three}


def test_each_kind_validates_against_the_ob3_achievement_credential_schema(three, validator):
    exports = _exports(three)
    assert set(exports) == {"participation", "referral", "commendation"}
    for kind, badge in exports.items():
        errors = _errors(validator, badge)
        assert not errors, f"{kind}: {len(errors)} schema error(s):\n" + "\n".join(errors)


def test_the_schema_rejects_an_export_without_what_it_requires(three, validator):
    badge = _exports(three)["participation"]
    assert not _errors(validator, badge)

    no_valid_from = copy.deepcopy(badge)
    del no_valid_from["validFrom"]
    assert "$: 'validFrom' is a required property" in _errors(validator, no_valid_from)

    no_subject = copy.deepcopy(badge)
    del no_subject["credentialSubject"]
    assert "$: 'credentialSubject' is a required property" in _errors(validator, no_subject)

    unknown_type = copy.deepcopy(badge)  # neither one of the spec's terms nor an ext: extension
    unknown_type["credentialSubject"]["achievement"]["achievementType"] = "InternshipReferral"
    assert any(e.startswith("credentialSubject/achievement/achievementType: ")
               for e in _errors(validator, unknown_type))

    no_achievement = copy.deepcopy(badge)
    del no_achievement["credentialSubject"]["achievement"]
    assert "credentialSubject: 'achievement' is a required property" in _errors(validator, no_achievement)

    bad_date = copy.deepcopy(badge)  # date-time is checked (rfc3339-validator is installed with the tests)
    bad_date["validFrom"] = "05/12/2026 09:00"
    assert any(e.startswith("validFrom: ") for e in _errors(validator, bad_date))
