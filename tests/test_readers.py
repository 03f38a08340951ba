"""Readers of official formats: each on a small file in the official layout the test writes."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzecon.data import read_any, read_comtrade, read_dta, read_gravity_csv, read_imf, read_wdi, to_iso3, validate_trade
from kzecon.errors import CountryCodeError, DataFileError, KzeconError, SchemaError


@pytest.fixture
def canonical():
    return pd.DataFrame({"reporter": ["KAZ"] * 4, "partner": ["CHN", "CHN", "RUS", "RUS"],
                         "year": [2021, 2021, 2022, 2022], "flow": ["export", "import"] * 2,
                         "value_usd": [1.5e9, 2.25e9, 3.0e9, 4.125e9]})


def _same(a, b):
    key = ["reporter", "partner", "year", "flow"]
    a = a.sort_values(key).reset_index(drop=True)
    b = b.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a[key + ["value_usd"]], b[key + ["value_usd"]], check_dtype=False)


def test_imf_dots_bulk_roundtrip(tmp_path, canonical):
    # DOTS bulk CSV: IMF numeric codes (Kazakhstan 916, China 924, Russia 922), one column per year
    ind = {"export": ("TXG_FOB_USD", "Goods, Value of Exports, Free on board (FOB), US Dollars"),
           "import": ("TMG_CIF_USD", "Goods, Value of Imports, Cost, Insurance, Freight (CIF), US Dollars")}
    imf = {"KAZ": ("Kazakhstan", 916), "CHN": ("China, P.R.: Mainland", 924), "RUS": ("Russian Federation", 922)}
    lines = ['"Country Name","Country Code","Indicator Name","Indicator Code","Counterpart Country Name",'
             '"Counterpart Country Code","Attribute","2021","2022",']
    for r in canonical.itertuples():
        vals = [str(r.value_usd) if r.year == y else "" for y in (2021, 2022)]
        lines.append(f'"{imf[r.reporter][0]}","{imf[r.reporter][1]}","{ind[r.flow][1]}","{ind[r.flow][0]}",'
                     f'"{imf[r.partner][0]}","{imf[r.partner][1]}","Value",{vals[0]},{vals[1]},')
    lines.append('"Kazakhstan","916","x","TXG_FOB_USD","China, P.R.: Mainland","924","Status","",,')
    p = tmp_path / "dots.csv"
    p.write_text("\n".join(lines) + "\n")
    _same(read_imf(p), canonical)
    assert read_any(p).attrs["format"] == "imf"


def test_imf_imts_sdmx_csv_roundtrip(tmp_path, canonical):
    ind = {"export": "XG_FOB_USD", "import": "MG_CIF_USD"}
    rows = ["STRUCTURE,STRUCTURE_ID,ACTION,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE"]
    for r in canonical.itertuples():
        rows.append(f"dataflow,IMF.STA:IMTS(1.0.0),I,{r.reporter},{ind[r.flow]},{r.partner},A,{r.year},"
                    f"{r.value_usd / 1e6},6")
    rows.append("dataflow,IMF.STA:IMTS(1.0.0),I,KAZ,XG_FOB_USD,CHN,M,2021-M01,1.0,6")
    p = tmp_path / "imts.csv"
    p.write_text("\n".join(rows) + "\n")
    got = read_imf(p)
    _same(got, canonical)


def test_comtrade_plus_and_classic_roundtrip(tmp_path, canonical):
    plus = ["typeCode,freqCode,refYear,reporterCode,reporterISO,flowCode,partnerCode,partnerISO,cmdCode,primaryValue"]
    classic = ['Classification,Year,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,'
               'Partner,Partner ISO,Commodity Code,Trade Value (US$)']
    for r in canonical.itertuples():
        fc = "X" if r.flow == "export" else "M"
        pc = {"CHN": 156, "RUS": 643}[r.partner]
        plus.append(f"C,A,{r.year},398,KAZ,{fc},{pc},{r.partner},TOTAL,{r.value_usd}")
        classic.append(f"HS,{r.year},{1 if fc == 'M' else 2},{'Import' if fc == 'M' else 'Export'},398,"
                       f"Kazakhstan,KAZ,{pc},x,{r.partner},TOTAL,{r.value_usd}")
    plus.append("C,A,2021,398,KAZ,X,0,W00,TOTAL,9e10")
    plus.append("C,A,2021,398,KAZ,RX,156,CHN,TOTAL,5")
    for name, lines in (("plus.csv", plus), ("classic.csv", classic)):
        p = tmp_path / name
        p.write_text("\n".join(lines) + "\n")
        got = read_comtrade(p)
        _same(got, canonical)
        assert (got["cmd_code"] == "TOTAL").all()
    assert read_comtrade(tmp_path / "plus.csv").attrs["dropped"] == {"re-exports/re-imports": 1,
                                                                     "partner World": 1}


def test_gravity_layouts(tmp_path):
    cepii = tmp_path / "cepii.csv"
    cepii.write_text("year,iso3_o,iso3_d,dist,contig,comlang_off,col_dep_ever,fta_wto,tradeflow_baci\n"
                     "2019,KAZ,CHN,3277,1,0,0,0,123.5\n2019,CHN,KAZ,3277,1,0,0,0,456.25\n")
    g = read_gravity_csv(cepii)
    assert g.attrs["layout"] == "cepii" and list(g["flow"]) == [123.5, 456.25]
    assert list(g["lang"]) == [0, 0] and g["dist"].iloc[0] == 3277
    itpd = tmp_path / "itpd.csv"
    itpd.write_text("exporter_iso3,exporter_name,importer_iso3,importer_name,year,industry_id,"
                    "industry_descr,broad_sector,trade,flag_mirror,flag_zero\n"
                    "KAZ,Kazakhstan,CHN,China,2019,1,Wheat,Agriculture,1.5,0,p\n"
                    "KAZ,Kazakhstan,CHN,China,2019,2,Rice,Agriculture,2.25,0,p\n")
    g = read_gravity_csv(itpd)
    assert g.attrs["layout"] == "itpd" and g["flow"].tolist() == [3.75]


def test_wdi_bulk_and_long(tmp_path):
    bulk = tmp_path / "API_NY.GDP.MKTP.CD.csv"
    bulk.write_text('"Data Source","World Development Indicators",\n\n"Last Updated Date","2026-01-01",\n\n'
                    '"Country Name","Country Code","Indicator Name","Indicator Code","2022","2023",\n'
                    '"Kazakhstan","KAZ","GDP (current US$)","NY.GDP.MKTP.CD","225.5","261.4",\n')
    w = read_wdi(bulk)
    assert list(w["year"]) == [2022, 2023] and list(w["value"]) == [225.5, 261.4]
    long = tmp_path / "long.csv"
    long.write_text("Country Name,Country Code,Year,Value\nKazakhstan,KAZ,2023,261.4\n")
    assert read_wdi(long)["value"].tolist() == [261.4]


def test_dta_roundtrip(tmp_path):
    df = pd.DataFrame({"exporter": ["KAZ", "CHN"], "importer": ["CHN", "KAZ"], "year": [2019, 2019],
                       "trade": [1.5, 2.5], "DIST": [3277.0, 3277.0], "CNTG": [1, 1]})
    p = tmp_path / "g.dta"
    df.to_stata(p, write_index=False)
    got = read_dta(p)
    assert list(got.columns) == ["exporter", "importer", "year", "flow", "dist", "contig"]
    assert got["flow"].tolist() == [1.5, 2.5]


# ------------------------------------------------------------------ bad input


def test_bad_files(tmp_path):
    with pytest.raises(DataFileError, match="file not found"):
        read_any(tmp_path / "missing.csv")
    xl = tmp_path / "book.csv"
    xl.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(DataFileError, match="Excel"):
        read_any(xl)
    semi = tmp_path / "semi.csv"
    semi.write_text("reporter partner year flow value_usd\nKAZ CHN 2020 export 1\n")
    with pytest.raises(DataFileError, match="wrong delimiter"):
        read_any(semi)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("reporter,partner,year,flow,value_usd\nKAZ,CUW,2020,export,1\n# Curaçao\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_any(latin)


def test_bad_values_name_country_and_year(tmp_path, canonical):
    bad = canonical.copy()
    bad.loc[2, "value_usd"] = -5
    with pytest.raises(SchemaError, match=r"negative.*KAZ→RUS 2022"):
        validate_trade(bad)
    bad = canonical.astype({"value_usd": object})
    bad.loc[1, "value_usd"] = "n/a"
    with pytest.raises(SchemaError, match=r"non-numeric.*'n/a'.*KAZ←CHN 2021"):
        validate_trade(bad)
    bad = canonical.copy()
    bad.loc[0, "value_usd"] = np.inf
    with pytest.raises(SchemaError, match=r"infinite.*KAZ→CHN 2021"):
        validate_trade(bad)
    with pytest.raises(SchemaError, match=r"share a key.*KAZ→CHN 2021"):
        validate_trade(pd.concat([canonical, canonical.iloc[[0]]]))
    with pytest.raises(SchemaError, match="missing required column.*'value_usd'"):
        validate_trade(canonical.drop(columns="value_usd"))
    bad = canonical.copy()
    bad.loc[0, "partner"] = "XYZ"
    with pytest.raises(SchemaError, match="column 'partner' has unknown ISO-3.*'XYZ'"):
        validate_trade(bad)
    bad = canonical.astype({"year": float})
    bad.loc[0, "year"] = 2021.5
    with pytest.raises(SchemaError, match="column 'year'.*2021.5"):
        validate_trade(bad)


def test_country_codes():
    assert to_iso3(["Kazakhstan", "Russian Federation", "China"], origin="name") == ["KAZ", "RUS", "CHN"]
    assert to_iso3([916, 924], origin="imf") == ["KAZ", "CHN"]
    assert to_iso3([705, 365], origin="cow") == ["KAZ", "RUS"]
    with pytest.raises(CountryCodeError, match="'Narnia'"):
        to_iso3(["Kazakhstan", "Narnia"], column="partner")
    with pytest.raises(CountryCodeError, match="numeric codes are ambiguous"):
        to_iso3([398])


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_readers_never_crash_on_random_bytes(tmp_path_factory, blob):
    p = tmp_path_factory.mktemp("fuzz") / "x.csv"
    p.write_bytes(blob)
    try:
        read_any(p)
    except KzeconError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["KAZ", "CHN", "2020", "x", "-1", "", "nan", "1e9", "export",
                                          "reporter", "year", "share", "0.5"]),
                         min_size=1, max_size=6), min_size=1, max_size=6))
def test_readers_never_crash_on_random_csv(tmp_path_factory, rows):
    p = tmp_path_factory.mktemp("fuzz") / "x.csv"
    p.write_text("\n".join(",".join(r) for r in rows) + "\n")
    try:
        read_any(p)
    except KzeconError:
        pass
