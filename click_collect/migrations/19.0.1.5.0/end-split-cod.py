"""The scheduled job that moved to click_collect_cod keeps the settings it had (see
pre-split-cod)."""


def migrate(cr, version):
    cr.execute("SELECT to_regclass('click_collect_split_cod_cron')")
    if not cr.fetchone()[0]:
        return
    cr.execute(
        """UPDATE ir_cron c
              SET active = s.active, interval_number = s.interval_number,
                  interval_type = s.interval_type, nextcall = s.nextcall
             FROM click_collect_split_cod_cron s
            WHERE c.id = s.id"""
    )
    cr.execute("DROP TABLE click_collect_split_cod_cron")
