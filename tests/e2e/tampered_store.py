#!/usr/bin/env python3
"""Tampers with copies of a store for tests/e2e/tampered_store.sh.

Usage:
  tampered_store.py cases            one line per case: NAME KIND
  tampered_store.py make BASE LOOSE OUT NAME
                                     copies the store BASE (its traffic and
                                     evidence in packs) or LOOSE (the same, its
                                     traffic rows moved to traffic_row by
                                     store_loosen.py, for the cases that edit
                                     those) to OUT and damages it as case NAME
                                     says
  tampered_store.py files DB         the capture files DB lists (-1 when it
                                     cannot be read)

KIND says what the verbs must do with the damaged store:
  rows   values no honeyscope writes in rows the verbs that read rows read:
         report --db and merge refuse it; ingest and forget, which do not
         read those rows, work as usual
  sensor a bad sensor prefix: report --db, merge and ingest refuse it;
         forget works
  whole  the store as a whole is not one honeyscope can use (a table gone, a
         foreign or unknown version, the file cut): every verb refuses it
"""
import os
import shutil
import sqlite3
import sys

# One row of traffic: the key of the first one in key order (store version 7's compact rows).
ONE_ROW = ("(file_id, bin, sensor_id, remote, proto, initiator, service) IN (SELECT file_id, bin,"
           " sensor_id, remote, proto, initiator, service FROM traffic_row"
           " ORDER BY file_id, bin, remote LIMIT 1)")
# The first pack of the first file.
ONE_PACK = "(file_id, seq) IN (SELECT file_id, seq FROM traffic_pack ORDER BY file_id, seq LIMIT 1)"
# The first evidence pack of the first file that has one.
ONE_EVIDENCE_PACK = ("(file_id, seq) IN (SELECT file_id, seq FROM evidence_pack"
                     " ORDER BY file_id, seq LIMIT 1)")
# An evidence value for rows to name.
VALUE = "INSERT INTO evidence_value VALUES (5, 1, CAST('x' AS BLOB)); "

ROWS = {
    "remote-5-bytes": "UPDATE traffic_row SET remote = x'c000020701' WHERE " + ONE_ROW,
    "remote-text": "UPDATE traffic_row SET remote = '198.51.100.7' WHERE " + ONE_ROW,
    "remote-integer": "UPDATE traffic_row SET remote = 3325256711 WHERE " + ONE_ROW,
    "sensor-id-unknown": "UPDATE traffic_row SET sensor_id = 99 WHERE " + ONE_ROW,
    "sensor-address-3-bytes": "UPDATE sensor_address SET address = x'c00002'",
    "sensor-address-text": "UPDATE sensor_address SET address = '192.0.2.10'",
    "bin-int64-min": "UPDATE traffic_row SET bin = -9223372036854775808 WHERE " + ONE_ROW,
    "bin-int64-max": "UPDATE traffic_row SET bin = 9223372036854775807 WHERE " + ONE_ROW,
    "bin-text": "UPDATE traffic_row SET bin = 'noon' WHERE " + ONE_ROW,
    "first-off-overflow": "UPDATE traffic_row SET first_off = 9300000000 WHERE " + ONE_ROW,
    "last-off-past-time": "UPDATE traffic_row SET last_off = 9223372037 - bin WHERE " + ONE_ROW,
    "first-off-text": "UPDATE traffic_row SET first_off = 'soon' WHERE " + ONE_ROW,
    "initiator-7": "UPDATE traffic_row SET initiator = 7 WHERE " + ONE_ROW,
    "service-70000": "UPDATE traffic_row SET service = 70000 WHERE " + ONE_ROW,
    "proto-negative": "UPDATE traffic_row SET proto = -6 WHERE " + ONE_ROW,
    "packets-negative": "UPDATE traffic_row SET packets_in = -1 WHERE " + ONE_ROW,
    "bytes-real": "UPDATE traffic_row SET bytes_in = 1e300 WHERE " + ONE_ROW,
    # Every file has rows of the same keys: their sums wrap.
    "packets-overflow": "UPDATE traffic_row SET packets_in = 9223372036854775807",
    "file-packets-negative": "UPDATE capture_file SET packets = -5 WHERE path LIKE '%/cap10.pcap'",
    "file-flows-overflow": "UPDATE capture_file SET flows = 9223372036854775807",
    "file-status-other": "UPDATE capture_file SET status = 'maybe' WHERE path LIKE '%/cap10.pcap'",
    "file-path-blob": "UPDATE capture_file SET path = x'2f746d70' WHERE path LIKE '%/cap14.pcap'",
    "orphan-rows": "UPDATE traffic_row SET file_id = 99 WHERE " + ONE_ROW,
    "evidence-remote-1-byte":
        VALUE + "INSERT INTO evidence_row VALUES (1, 1233446400, x'00', 5, 1)",
    "evidence-count-negative":
        VALUE + "INSERT INTO evidence_row VALUES (1, 1233446400, x'c6336407', 5, -3)",
    "evidence-value-missing": "INSERT INTO evidence_row VALUES (1, 1233446400, x'c6336407', 77, 1)",
    # Packs (store version 9): bytes no encoder writes, and columns that disagree with them.
    "pack-data-garbage": "UPDATE traffic_pack SET data = x'6801deadbeef' WHERE " + ONE_PACK,
    "pack-data-cut": "UPDATE traffic_pack SET data = substr(data, 1, length(data) / 2) WHERE "
                     + ONE_PACK,
    "pack-data-text": "UPDATE traffic_pack SET data = 'packed rows' WHERE " + ONE_PACK,
    "pack-data-empty": "UPDATE traffic_pack SET data = x'' WHERE " + ONE_PACK,
    "pack-rows-one-more": "UPDATE traffic_pack SET rows = rows + 1 WHERE " + ONE_PACK,
    "pack-rows-zero": "UPDATE traffic_pack SET rows = 0 WHERE " + ONE_PACK,
    "pack-bins-reversed": "UPDATE traffic_pack SET bin_last = bin_first - 900 WHERE " + ONE_PACK,
    "pack-bins-shifted": "UPDATE traffic_pack SET bin_first = bin_first + 900,"
                         " bin_last = bin_last + 900 WHERE " + ONE_PACK,
    "pack-bin-int64-min": "UPDATE traffic_pack SET bin_first = -9223372036854775808 WHERE "
                          + ONE_PACK,
    "pack-bin-text": "UPDATE traffic_pack SET bin_last = 'later' WHERE " + ONE_PACK,
    "pack-orphan": "UPDATE traffic_pack SET file_id = 99 WHERE " + ONE_PACK,
    # The same pack twice in its file: its rows would count twice.
    "pack-twice": "INSERT INTO traffic_pack SELECT file_id, seq + 1000, bin_first, bin_last, rows,"
                  " data FROM traffic_pack WHERE " + ONE_PACK,
    # A pack's sensor that sensor_address does not hold (the views would drop its rows).
    "pack-sensor-unknown": "DELETE FROM sensor_address",
    # Evidence packs (store version 10), as the traffic packs above. The garbage has an evidence
    # pack's magic and format, so that it is the bytes after them that must be refused.
    "evidence-pack-data-garbage": "UPDATE evidence_pack SET data = x'6501deadbeef' WHERE "
                                  + ONE_EVIDENCE_PACK,
    "evidence-pack-data-cut": "UPDATE evidence_pack SET data = substr(data, 1, length(data) / 2)"
                              " WHERE " + ONE_EVIDENCE_PACK,
    "evidence-pack-data-text": "UPDATE evidence_pack SET data = 'packed evidence' WHERE "
                               + ONE_EVIDENCE_PACK,
    "evidence-pack-data-empty": "UPDATE evidence_pack SET data = x'' WHERE " + ONE_EVIDENCE_PACK,
    "evidence-pack-rows-one-more": "UPDATE evidence_pack SET rows = rows + 1 WHERE "
                                   + ONE_EVIDENCE_PACK,
    "evidence-pack-rows-zero": "UPDATE evidence_pack SET rows = 0 WHERE " + ONE_EVIDENCE_PACK,
    "evidence-pack-bins-reversed": "UPDATE evidence_pack SET bin_last = bin_first - 900 WHERE "
                                   + ONE_EVIDENCE_PACK,
    # A row outside its pack's bins: a period's read of the packs by their bins would miss it.
    "evidence-pack-bins-shifted": "UPDATE evidence_pack SET bin_first = bin_first + 900,"
                                  " bin_last = bin_last + 900 WHERE " + ONE_EVIDENCE_PACK,
    "evidence-pack-bin-int64-min": "UPDATE evidence_pack SET bin_first = -9223372036854775808"
                                   " WHERE " + ONE_EVIDENCE_PACK,
    "evidence-pack-bin-text": "UPDATE evidence_pack SET bin_last = 'later' WHERE "
                              + ONE_EVIDENCE_PACK,
    "evidence-pack-orphan": "UPDATE evidence_pack SET file_id = 99 WHERE " + ONE_EVIDENCE_PACK,
    # The same pack twice in its file: its rows would count twice.
    "evidence-pack-twice": "INSERT INTO evidence_pack SELECT file_id, seq + 1000, bin_first,"
                           " bin_last, rows, data FROM evidence_pack WHERE " + ONE_EVIDENCE_PACK,
}
SENSOR = {
    "sensor-prefix-bad": "UPDATE sensor SET prefix = '192.0.2.10/33'",
    "sensor-prefix-blob": "UPDATE sensor SET prefix = x'c000020a'",
}
WHOLE = {
    "drop-capture_file": "DROP TABLE capture_file",
    "drop-traffic_row": "DROP TABLE traffic_row",
    "drop-traffic_pack": "DROP TABLE traffic_pack",
    "drop-evidence_pack": "DROP TABLE evidence_pack",
    "drop-sensor_address": "DROP TABLE sensor_address",
    "drop-sensor": "DROP TABLE sensor",
    "drop-evidence_row": "DROP TABLE evidence_row",
    "drop-evidence_value": "DROP TABLE evidence_value",
    "drop-evidence_kind": "DROP TABLE evidence_kind",
    "drop-prefix_spec": "DROP TABLE prefix_spec",
    # The table rebuilt without its primary key (the rows keep their ids), and a file with none.
    "capture_file-no-key": "CREATE TABLE copy AS SELECT * FROM capture_file;"
                           " DROP TABLE capture_file; ALTER TABLE copy RENAME TO capture_file;"
                           " UPDATE capture_file SET id = NULL WHERE path LIKE '%/cap14.pcap'",
    "traffic-column-renamed": "ALTER TABLE traffic_row RENAME COLUMN flows TO flow_count",
    "user-version-99": "PRAGMA user_version = 99",
    "user-version-0": "PRAGMA user_version = 0",
    "user-version-negative": "PRAGMA user_version = -1",
    "application-id-foreign": "PRAGMA application_id = 1179403647",
}
# Cuts: inside the header, after the first page, mid-file, the last page gone.
CUTS = {"cut-100": 100, "cut-4096": 4096, "cut-half": 0.5, "cut-last-page": -4096}


def cases():
    for name in ROWS:
        print(name, "rows")
    for name in SENSOR:
        print(name, "sensor")
    for name in list(WHOLE) + list(CUTS):
        print(name, "whole")


def make(base, loose, out, name):
    sql = ROWS.get(name) or SENSOR.get(name) or WHOLE.get(name) or ""
    shutil.copyfile(loose if "traffic_row" in sql else base, out)
    if name in CUTS:
        size = os.path.getsize(out)
        cut = CUTS[name]
        size = size + cut if cut < 0 else int(size * cut) if cut < 1 else cut
        with open(out, "r+b") as f:
            f.truncate(size)
        return
    db = sqlite3.connect(out, isolation_level=None)
    # Written as a hand edit would be: no foreign keys, no CHECK constraints.
    db.execute("PRAGMA ignore_check_constraints = ON")
    db.executescript(sql)
    db.close()
    # The edit must be in the file itself, not in a WAL beside it.
    for suffix in ("-wal", "-shm"):
        if os.path.exists(out + suffix):
            sys.exit("tampered_store.py: %s%s left behind" % (out, suffix))


def files(path):
    try:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        print(db.execute("SELECT count(*) FROM capture_file").fetchone()[0])
        db.close()
    except sqlite3.Error:
        print(-1)


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "cases":
        cases()
    elif len(sys.argv) == 6 and sys.argv[1] == "make":
        make(*sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "files":
        files(sys.argv[2])
    else:
        sys.exit(__doc__)


main()
