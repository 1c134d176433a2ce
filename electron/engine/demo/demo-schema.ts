import { column, type ModelTable, type ModelView, type SchemaModel } from './schema-model.ts';

/**
 * The built-in demo: "Northwind Holdings", a mid-size company's operational database with the habits real schemas
 * have: cryptic abbreviations, history/staging/backup clutter, no FK on some joins, awkward names. Deterministic.
 */

type Def = [name: string, comment: string | null, rows: number, columns: string[], index?: string[]];

const CORE: Def[] = [
  // ---- reference data ----
  ['ref_cntry', 'Countries (ISO 3166)', 40, ['cntry_id:id', 'iso2_cd:code # ISO 3166-1 alpha-2', 'iso3_cd:code', 'cntry_nm:country # Country name', 'rgn_id:int?>ref_rgn', 'eu_mbr_flg:flag # EU member']],
  ['ref_rgn', 'Sales regions', 8, ['rgn_id:id', 'rgn_cd:code', 'rgn_nm:str # Region name (EMEA, APAC, ...)', 'mgr_emp_id:int? # Regional manager (hr_emp.emp_id, no FK)']],
  ['ref_ccy', 'Currencies (ISO 4217)', 20, ['ccy_id:id', 'ccy_cd:currency # ISO 4217 code', 'ccy_nm:str', 'dec_plcs:int # Decimal places']],
  ['ref_uom', 'Units of measure', 15, ['uom_id:id', 'uom_cd:code # EA, KG, BOX, PAL', 'uom_desc:str', 'base_uom_flg:flag']],
  ['ref_lang', 'Languages', 10, ['lang_id:id', 'lang_cd:code', 'lang_nm:str']],
  ['ref_stat_cd', 'Status codes shared by several modules', 30, ['stat_cd_id:id', 'modl_cd:code # Module: SLS, INV, SUP...', 'stat_cd:status', 'stat_desc:str', 'is_term_flg:flag # Terminal status']],
  ['ref_pmt_term', 'Payment terms (NET30, ...)', 8, ['pmt_term_id:id', 'term_cd:code', 'net_days:int', 'disc_pct:pct?', 'disc_days:int?']],
  ['ref_tax_juris', 'Tax jurisdictions', 25, ['tax_juris_id:id', 'cntry_id:int>ref_cntry', 'juris_nm:str', 'std_rate_pct:pct']],

  // ---- sales ----
  ['sls_cust', 'Customers (bill-to parties)', 300, ['cust_id:id', 'cust_no:code # External customer number', 'cust_nm:company # Legal name', 'cust_typ_cd:code # B2B, B2C, GOV', 'cntry_id:int>ref_cntry', 'ccy_id:int>ref_ccy', 'pmt_term_id:int>ref_pmt_term', 'cr_lmt_amt:money # Credit limit', 'acct_mgr_emp_id:int?>hr_emp', 'crt_dt:date', 'actv_flg:flag'], ['cust_nm']],
  ['sls_cust_addr', 'Customer addresses (bill-to, ship-to)', 450, ['cust_addr_id:id', 'cust_id:int>sls_cust', 'addr_typ_cd:code # BILL or SHIP', 'addr_ln1:str', 'addr_ln2:str?', 'city_nm:city', 'pstl_cd:code', 'cntry_id:int>ref_cntry', 'is_dflt_flg:flag']],
  ['sls_cust_cntct', 'Customer contacts', 400, ['cntct_id:id', 'cust_id:int>sls_cust', 'frst_nm:person', 'lst_nm:person', 'email_addr:email', 'ph_no:phone?', 'job_ttl:str?', 'opt_in_flg:flag # Marketing consent']],
  ['sls_chnl', 'Sales channels', 6, ['chnl_id:id', 'chnl_cd:code # WEB, RETAIL, PARTNER, DIRECT', 'chnl_nm:str']],
  ['sls_terr', 'Sales territories', 24, ['terr_id:id', 'terr_cd:code', 'terr_nm:str', 'rgn_id:int>ref_rgn']],
  ['sls_rep', 'Sales representatives', 40, ['rep_id:id', 'emp_id:int>hr_emp', 'terr_id:int>sls_terr', 'quota_amt:money # Annual quota', 'comm_rt_pct:pct # Commission rate']],
  ['sls_promo', 'Promotions and discount campaigns', 30, ['promo_id:id', 'promo_cd:code', 'promo_desc:str', 'disc_pct:pct', 'strt_dt:date', 'end_dt:date', 'cmpgn_id:int?>mkt_cmpgn']],
  ['sls_price_list', 'Price lists', 10, ['price_list_id:id', 'price_list_nm:str', 'ccy_id:int>ref_ccy', 'vld_from_dt:date', 'vld_to_dt:date?']],
  ['sls_price_list_itm', 'Price list lines: unit price per item', 500, ['pli_id:id', 'price_list_id:int>sls_price_list', 'itm_id:int>inv_itm', 'unit_prc_amt:money', 'min_qty:qty']],
  ['sls_ord_hdr', 'Sales order headers', 600, ['ord_id:id', 'ord_no:code # Order number shown to customers', 'cust_id:int>sls_cust', 'ord_dt:date # Order date', 'req_ship_dt:date?', 'chnl_id:int>sls_chnl', 'rep_id:int?>sls_rep', 'ccy_id:int>ref_ccy', 'ord_stat_cd:status', 'tot_net_amt:money # Net total before tax', 'tot_tax_amt:money', 'tot_gross_amt:money', 'promo_id:int?>sls_promo', 'ship_addr_id:int?>sls_cust_addr', 'crt_ts:ts', 'upd_ts:ts?'], ['cust_id', 'ord_dt']],
  ['sls_ord_ln', 'Sales order lines', 1500, ['ord_ln_id:id', 'ord_id:int>sls_ord_hdr', 'ln_no:int', 'itm_id:int>inv_itm', 'ord_qty:qty', 'uom_id:int>ref_uom', 'unit_prc_amt:money', 'disc_amt:money', 'ln_net_amt:money', 'whse_id:int?>inv_whse', 'ln_stat_cd:status']],
  ['sls_quote', 'Sales quotes', 200, ['quote_id:id', 'quote_no:code', 'cust_id:int>sls_cust', 'rep_id:int>sls_rep', 'quote_dt:date', 'exp_dt:date', 'quote_amt:money', 'won_flg:flag', 'ord_id:int?>sls_ord_hdr']],
  ['sls_quote_ln', 'Sales quote lines', 500, ['quote_ln_id:id', 'quote_id:int>sls_quote', 'itm_id:int>inv_itm', 'qty:qty', 'unit_prc_amt:money']],
  ['sls_rtn', 'Customer returns (RMA)', 120, ['rtn_id:id', 'rma_no:code # Return merchandise authorisation', 'ord_id:int>sls_ord_hdr', 'cust_id:int>sls_cust', 'rtn_dt:date', 'rtn_rsn_cd:code # DAMAGED, WRONG_ITEM, NOT_NEEDED', 'rtn_stat_cd:status']],
  ['sls_rtn_ln', 'Return lines', 200, ['rtn_ln_id:id', 'rtn_id:int>sls_rtn', 'ord_ln_id:int>sls_ord_ln', 'rtn_qty:qty', 'cond_cd:code # Condition on receipt']],
  ['sls_rfnd', 'Refunds paid to customers', 100, ['rfnd_id:id', 'rtn_id:int?>sls_rtn', 'cust_id:int>sls_cust', 'rfnd_dt:date', 'rfnd_amt:money # Refund amount in order currency', 'ccy_id:int>ref_ccy', 'rfnd_mthd_cd:code # CARD, BANK, CREDIT_NOTE', 'cntry_id:int>ref_cntry # Country of the refund']],
  ['sls_invc', 'Customer invoices (billing)', 550, ['invc_id:id', 'invc_no:code', 'ord_id:int>sls_ord_hdr', 'cust_id:int>sls_cust', 'invc_dt:date', 'due_dt:date', 'invc_amt:money', 'paid_amt:money', 'invc_stat_cd:status']],

  // ---- finance ----
  ['fin_gl_acct', 'General ledger chart of accounts', 80, ['gl_acct_id:id', 'acct_no:code', 'acct_nm:str', 'acct_typ_cd:code # ASSET, LIAB, EQTY, REV, EXP', 'parnt_gl_acct_id:int?', 'actv_flg:flag']],
  ['fin_cost_ctr', 'Cost centres', 30, ['cost_ctr_id:id', 'cost_ctr_cd:code', 'cost_ctr_nm:str', 'dept_id:int?>hr_dept', 'ownr_emp_id:int?>hr_emp']],
  ['fin_fscl_prd', 'Fiscal periods', 36, ['fscl_prd_id:id', 'fscl_yr:int', 'prd_no:int', 'strt_dt:date', 'end_dt:date', 'clsd_flg:flag']],
  ['fin_gl_jrnl', 'Journal entries (headers)', 300, ['jrnl_id:id', 'jrnl_no:code', 'fscl_prd_id:int>fin_fscl_prd', 'pstg_dt:date # Posting date', 'src_modl_cd:code # AP, AR, INV, PAY', 'jrnl_desc:str?', 'pstd_by_emp_id:int?>hr_emp']],
  ['fin_gl_jrnl_ln', 'Journal entry lines (debits and credits)', 900, ['jrnl_ln_id:id', 'jrnl_id:int>fin_gl_jrnl', 'gl_acct_id:int>fin_gl_acct', 'cost_ctr_id:int?>fin_cost_ctr', 'dr_amt:money # Debit', 'cr_amt:money # Credit', 'ccy_id:int>ref_ccy']],
  ['fin_ccy_rt', 'Daily currency exchange rates', 400, ['ccy_rt_id:id', 'from_ccy_id:int>ref_ccy', 'to_ccy_id:int>ref_ccy', 'rt_dt:date', 'xchg_rt:pct # Exchange rate']],
  ['fin_ap_invc', 'Accounts payable: supplier invoices', 300, ['ap_invc_id:id', 'vndr_id:int>po_vndr', 'po_id:int?>po_hdr', 'vndr_invc_no:code', 'invc_dt:date', 'due_dt:date', 'invc_amt:money', 'ccy_id:int>ref_ccy', 'appr_flg:flag']],
  ['fin_ap_pmt', 'Payments to suppliers', 250, ['ap_pmt_id:id', 'ap_invc_id:int>fin_ap_invc', 'pmt_dt:date', 'pmt_amt:money', 'pmt_mthd_cd:code', 'bank_ref:code?']],
  ['fin_ar_rcpt', 'Accounts receivable: customer payments received', 450, ['ar_rcpt_id:id', 'invc_id:int>sls_invc', 'rcpt_dt:date', 'rcpt_amt:money', 'pmt_mthd_cd:code']],
  ['fin_bdgt', 'Budgets by cost centre, account and period', 300, ['bdgt_id:id', 'cost_ctr_id:int>fin_cost_ctr', 'gl_acct_id:int>fin_gl_acct', 'fscl_prd_id:int>fin_fscl_prd', 'bdgt_amt:money', 'fcst_amt:money? # Forecast']],
  ['fin_tax_cd', 'Tax codes', 15, ['tax_cd_id:id', 'tax_cd:code', 'tax_juris_id:int>ref_tax_juris', 'rate_pct:pct']],

  // ---- HR ----
  ['hr_dept', 'Departments', 20, ['dept_id:id', 'dept_cd:code', 'dept_nm:str', 'parnt_dept_id:int?', 'cost_ctr_cd:code?']],
  ['hr_pos', 'Job positions', 60, ['pos_id:id', 'pos_ttl:str', 'dept_id:int>hr_dept', 'grade_cd:code', 'min_sal_amt:money', 'max_sal_amt:money']],
  ['hr_emp', 'Employees', 250, ['emp_id:id', 'emp_no:code', 'frst_nm:person', 'lst_nm:person', 'email_addr:email', 'hire_dt:date', 'term_dt:date?', 'dept_id:int>hr_dept', 'pos_id:int?>hr_pos', 'mgr_emp_id:int? # Manager (self reference, not enforced)', 'wrk_cntry_id:int>ref_cntry', 'emp_stat_cd:status', 'fte_pct:pct # Full-time equivalent'], ['lst_nm']],
  ['hr_comp_hist', 'Compensation history', 500, ['comp_hist_id:id', 'emp_id:int>hr_emp', 'eff_dt:date', 'base_sal_amt:money # Annual base salary', 'bonus_tgt_pct:pct?', 'ccy_id:int>ref_ccy', 'chg_rsn_cd:code']],
  ['hr_pay_run', 'Payroll runs', 24, ['pay_run_id:id', 'pay_prd_strt_dt:date', 'pay_prd_end_dt:date', 'pay_dt:date', 'run_stat_cd:status']],
  ['hr_pay_stub', 'Payslips per employee and payroll run', 900, ['pay_stub_id:id', 'pay_run_id:int>hr_pay_run', 'emp_id:int>hr_emp', 'grs_pay_amt:money', 'net_pay_amt:money', 'tax_wthld_amt:money', 'ot_hrs:qty? # Overtime hours']],
  ['hr_lv_req', 'Leave requests (vacation, sick)', 300, ['lv_req_id:id', 'emp_id:int>hr_emp', 'lv_typ_cd:code # VAC, SICK, PARENTAL', 'strt_dt:date', 'end_dt:date', 'days_cnt:qty', 'appr_emp_id:int?', 'req_stat_cd:status']],
  ['hr_perf_rvw', 'Performance reviews', 200, ['perf_rvw_id:id', 'emp_id:int>hr_emp', 'rvw_yr:int', 'rtg_scr:int # 1-5 rating', 'rvwr_emp_id:int?', 'cmnt_txt:text?']],
  ['hr_bnft_enrl', 'Benefit enrolments', 300, ['bnft_enrl_id:id', 'emp_id:int>hr_emp', 'bnft_pln_cd:code # MED, DENT, 401K', 'cvrg_lvl_cd:code', 'enrl_dt:date', 'emp_cntrb_amt:money']],
  ['hr_trng', 'Training courses completed', 250, ['trng_id:id', 'emp_id:int>hr_emp', 'crs_cd:code', 'crs_nm:str', 'cmpl_dt:date?', 'scr_pct:pct?']],

  // ---- inventory ----
  ['inv_itm_cat', 'Item categories', 25, ['itm_cat_id:id', 'cat_cd:code', 'cat_nm:str', 'parnt_cat_id:int?']],
  ['inv_itm', 'Item (product) master', 400, ['itm_id:id', 'sku:code # Stock keeping unit', 'itm_desc:str # Product description', 'itm_cat_id:int>inv_itm_cat', 'base_uom_id:int>ref_uom', 'std_cost_amt:money # Standard cost', 'list_prc_amt:money # List price', 'wt_kg:pct?', 'vndr_id:int?>po_vndr', 'disc_flg:flag # Discontinued', 'crt_dt:date'], ['sku']],
  ['inv_whse', 'Warehouses', 8, ['whse_id:id', 'whse_cd:code', 'whse_nm:str', 'city_nm:city', 'cntry_id:int>ref_cntry']],
  ['inv_bin', 'Storage bins inside warehouses', 120, ['bin_id:id', 'whse_id:int>inv_whse', 'bin_cd:code', 'zone_cd:code', 'cap_qty:qty']],
  ['inv_stk_lvl', 'Current stock level per item and warehouse (on hand, reserved)', 800, ['stk_lvl_id:id', 'itm_id:int>inv_itm', 'whse_id:int>inv_whse', 'qty_on_hnd:qty # On hand', 'qty_rsvd:qty # Reserved for orders', 'qty_on_ord:qty # On purchase order', 'reord_pt_qty:qty # Reorder point', 'last_cnt_dt:date?']],
  ['inv_lot', 'Lots / batches with expiry', 200, ['lot_id:id', 'itm_id:int>inv_itm', 'lot_no:code', 'mfg_dt:date', 'exp_dt:date?']],
  ['inv_txn', 'Inventory transactions (receipts, issues, transfers)', 1500, ['inv_txn_id:id', 'itm_id:int>inv_itm', 'whse_id:int>inv_whse', 'bin_id:int?>inv_bin', 'txn_typ_cd:code # RCPT, ISSUE, XFER, ADJ', 'txn_qty:qty', 'txn_ts:ts', 'ref_doc_no:code?', 'lot_id:int?>inv_lot'], ['itm_id', 'txn_ts']],
  ['inv_adj', 'Stock adjustments (write-offs, shrinkage)', 150, ['adj_id:id', 'itm_id:int>inv_itm', 'whse_id:int>inv_whse', 'adj_qty:qty', 'adj_rsn_cd:code # DAMAGE, THEFT, COUNT', 'adj_val_amt:money', 'adj_dt:date', 'appr_emp_id:int?>hr_emp']],
  ['inv_cyc_cnt', 'Cycle counts', 200, ['cyc_cnt_id:id', 'itm_id:int>inv_itm', 'bin_id:int>inv_bin', 'cnt_dt:date', 'sys_qty:qty', 'cntd_qty:qty', 'var_qty:qty # Variance']],
  ['inv_uom_conv', 'Unit of measure conversions per item', 100, ['uom_conv_id:id', 'itm_id:int>inv_itm', 'from_uom_id:int>ref_uom', 'to_uom_id:int>ref_uom', 'conv_fctr:pct']],

  // ---- procurement ----
  ['po_vndr', 'Vendors / suppliers', 80, ['vndr_id:id', 'vndr_no:code', 'vndr_nm:company', 'cntry_id:int>ref_cntry', 'pmt_term_id:int>ref_pmt_term', 'tax_id:code?', 'pref_flg:flag # Preferred supplier', 'rtg_scr:int?']],
  ['po_hdr', 'Purchase orders', 300, ['po_id:id', 'po_no:code', 'vndr_id:int>po_vndr', 'po_dt:date', 'exp_dlvr_dt:date', 'whse_id:int>inv_whse', 'buyer_emp_id:int?>hr_emp', 'po_stat_cd:status', 'tot_amt:money', 'ccy_id:int>ref_ccy']],
  ['po_ln', 'Purchase order lines', 800, ['po_ln_id:id', 'po_id:int>po_hdr', 'itm_id:int>inv_itm', 'ord_qty:qty', 'unit_cost_amt:money', 'rcvd_qty:qty']],
  ['po_rcpt', 'Goods receipts against purchase orders', 250, ['rcpt_id:id', 'po_id:int>po_hdr', 'rcpt_dt:date', 'rcvd_by_emp_id:int?>hr_emp', 'whse_id:int>inv_whse']],
  ['po_rcpt_ln', 'Goods receipt lines', 600, ['rcpt_ln_id:id', 'rcpt_id:int>po_rcpt', 'po_ln_id:int>po_ln', 'rcvd_qty:qty', 'rej_qty:qty # Rejected at inspection', 'lot_id:int?>inv_lot']],

  // ---- support ----
  ['sup_agent', 'Support agents', 30, ['agent_id:id', 'emp_id:int>hr_emp', 'tier_no:int # 1, 2 or 3', 'skill_cd:code', 'actv_flg:flag']],
  ['sup_sla_pol', 'SLA policies', 6, ['sla_pol_id:id', 'pol_nm:str', 'prio_cd:code # P1..P4', 'frst_resp_mins:int', 'rslv_mins:int']],
  ['sup_tkt', 'Support tickets', 700, ['tkt_id:id', 'tkt_no:code', 'cust_id:int>sls_cust', 'cntct_id:int?>sls_cust_cntct', 'agent_id:int?>sup_agent', 'sla_pol_id:int>sup_sla_pol', 'subj_txt:str # Subject', 'prio_cd:code', 'tkt_stat_cd:status', 'opn_ts:ts # Opened at', 'frst_resp_ts:ts?', 'clsd_ts:ts?', 'ord_id:int?>sls_ord_hdr', 'chnl_cd:code # EMAIL, PHONE, CHAT'], ['cust_id']],
  ['sup_tkt_cmt', 'Ticket comments and replies', 1500, ['tkt_cmt_id:id', 'tkt_id:int>sup_tkt', 'auth_agent_id:int?>sup_agent', 'cmt_txt:text', 'pub_flg:flag # Visible to customer', 'crt_ts:ts']],
  ['sup_csat_svy', 'Customer satisfaction survey responses', 400, ['csat_id:id', 'tkt_id:int>sup_tkt', 'scr:int # 1-5', 'cmnt_txt:text?', 'resp_ts:ts']],
  ['sup_kb_art', 'Knowledge base articles', 60, ['kb_art_id:id', 'art_ttl:str', 'art_body:text', 'auth_agent_id:int>sup_agent', 'pub_dt:date?', 'view_cnt:int']],

  // ---- marketing ----
  ['mkt_cmpgn', 'Marketing campaigns', 40, ['cmpgn_id:id', 'cmpgn_nm:str', 'cmpgn_typ_cd:code # EMAIL, SOCIAL, EVENT', 'strt_dt:date', 'end_dt:date?', 'bdgt_amt:money', 'ownr_emp_id:int?>hr_emp']],
  ['mkt_seg', 'Audience segments', 15, ['seg_id:id', 'seg_nm:str', 'seg_rule_txt:text?']],
  ['mkt_lead', 'Leads / prospects', 500, ['lead_id:id', 'cmpgn_id:int?>mkt_cmpgn', 'co_nm:company', 'cntct_nm:person', 'email_addr:email', 'lead_scr:int', 'lead_src_cd:code', 'cnvrt_cust_id:int?>sls_cust # Converted to customer', 'crt_dt:date']],
  ['mkt_email_evt', 'Email events: sent, opened, clicked, bounced', 1500, ['email_evt_id:id', 'cmpgn_id:int>mkt_cmpgn', 'lead_id:int?>mkt_lead', 'evt_typ_cd:code', 'evt_ts:ts']],
  ['mkt_cmpgn_mbr', 'Campaign members', 600, ['cmpgn_mbr_id:id', 'cmpgn_id:int>mkt_cmpgn', 'cust_id:int?>sls_cust', 'seg_id:int?>mkt_seg', 'rspd_flg:flag # Responded']],

  // ---- logistics ----
  ['shp_carr', 'Carriers', 10, ['carr_id:id', 'carr_cd:code', 'carr_nm:company', 'trk_url_tmpl:str?']],
  ['shp_shpmt', 'Outbound shipments', 550, ['shpmt_id:id', 'ord_id:int>sls_ord_hdr', 'carr_id:int>shp_carr', 'whse_id:int>inv_whse', 'ship_dt:date', 'dlvr_dt:date?', 'trk_no:code', 'frt_cost_amt:money # Freight cost', 'shp_stat_cd:status', 'dest_cntry_id:int>ref_cntry']],
  ['shp_pkg', 'Packages in a shipment', 800, ['pkg_id:id', 'shpmt_id:int>shp_shpmt', 'wt_kg:pct', 'len_cm:int', 'wid_cm:int', 'hgt_cm:int']],
  ['shp_trk_evt', 'Carrier tracking events', 1500, ['trk_evt_id:id', 'shpmt_id:int>shp_shpmt', 'evt_cd:code', 'evt_loc:city', 'evt_ts:ts']],

  // ---- manufacturing ----
  ['mfg_wrk_ctr', 'Work centres (machines, lines)', 20, ['wrk_ctr_id:id', 'wrk_ctr_cd:code', 'wrk_ctr_nm:str', 'whse_id:int>inv_whse', 'cap_hrs_per_day:pct', 'cost_rt_amt:money # Hourly cost rate']],
  ['mfg_bom', 'Bills of materials', 80, ['bom_id:id', 'itm_id:int>inv_itm # Finished good', 'bom_rev:code', 'eff_dt:date', 'actv_flg:flag']],
  ['mfg_bom_ln', 'Bill of materials components', 400, ['bom_ln_id:id', 'bom_id:int>mfg_bom', 'cmpnt_itm_id:int>inv_itm # Component item', 'cmpnt_qty:pct', 'uom_id:int>ref_uom', 'scrap_pct:pct?']],
  ['mfg_rtg', 'Routings: operations per BOM', 200, ['rtg_id:id', 'bom_id:int>mfg_bom', 'op_seq:int', 'wrk_ctr_id:int>mfg_wrk_ctr', 'setup_mins:int', 'run_mins_per_unit:pct']],
  ['mfg_wrk_ord', 'Production work orders', 300, ['wrk_ord_id:id', 'wo_no:code', 'bom_id:int>mfg_bom', 'plan_qty:qty', 'cmpl_qty:qty', 'scrap_qty:qty', 'plan_strt_dt:date', 'act_end_dt:date?', 'wo_stat_cd:status', 'so_ln_id:int?>sls_ord_ln # Make-to-order link']],
  ['mfg_qc_insp', 'Quality inspections', 300, ['qc_insp_id:id', 'wrk_ord_id:int?>mfg_wrk_ord', 'rcpt_ln_id:int?>po_rcpt_ln', 'insp_dt:date', 'insp_emp_id:int?>hr_emp', 'smpl_qty:qty', 'dfct_qty:qty # Defects found', 'pass_flg:flag']],
  ['mfg_scrap', 'Scrap and rework records', 150, ['scrap_id:id', 'wrk_ord_id:int>mfg_wrk_ord', 'itm_id:int>inv_itm', 'scrap_qty:qty', 'scrap_rsn_cd:code', 'scrap_val_amt:money']],
  ['mfg_mach_dt', 'Machine downtime events', 250, ['mach_dt_id:id', 'wrk_ctr_id:int>mfg_wrk_ctr', 'strt_ts:ts', 'end_ts:ts?', 'dt_rsn_cd:code # BREAKDOWN, SETUP, NO_MATERIAL', 'lost_mins:int']],

  // ---- projects ----
  ['prj_prj', 'Customer projects', 50, ['prj_id:id', 'prj_cd:code', 'prj_nm:str', 'cust_id:int?>sls_cust', 'pm_emp_id:int>hr_emp # Project manager', 'strt_dt:date', 'end_dt:date?', 'bdgt_amt:money', 'prj_stat_cd:status']],
  ['prj_task', 'Project tasks', 300, ['task_id:id', 'prj_id:int>prj_prj', 'task_nm:str', 'est_hrs:pct', 'asgn_emp_id:int?>hr_emp', 'due_dt:date?', 'done_flg:flag']],
  ['prj_tm_entry', 'Timesheet entries (hours booked)', 1200, ['tm_entry_id:id', 'emp_id:int>hr_emp', 'task_id:int>prj_task', 'wrk_dt:date', 'hrs:pct', 'bill_flg:flag # Billable', 'bill_rt_amt:money?']],
  ['prj_exp', 'Project expenses claimed', 300, ['exp_id:id', 'prj_id:int>prj_prj', 'emp_id:int>hr_emp', 'exp_dt:date', 'exp_typ_cd:code # TRAVEL, MEALS, LODGING', 'exp_amt:money', 'ccy_id:int>ref_ccy', 'rcpt_img:blob? # Scanned receipt']],

  // ---- IT / audit ----
  ['sys_usr', 'Application users', 60, ['usr_id:id', 'login_nm:str', 'emp_id:int?>hr_emp', 'last_login_ts:ts?', 'locked_flg:flag', 'pwd_hash:blob # bcrypt hash, binary']],
  ['sys_audit_log', 'Audit trail of changes', 1500, ['audit_id:id', 'usr_id:int>sys_usr', 'tbl_nm:str', 'rec_id:big', 'actn_cd:code # INS, UPD, DEL', 'chg_json:text?', 'evt_ts:ts']],
  ['sys_job_run', 'Batch job runs (ETL)', 300, ['job_run_id:id', 'job_nm:str', 'strt_ts:ts', 'end_ts:ts?', 'rows_prcsd:big', 'run_stat_cd:status', 'err_msg:text?']],
];

/** The wide table analysts dread: 60+ columns of customer account attributes. */
const WIDE_CUSTOMER_ACCOUNT: Def = [
  'cust_acct',
  'Customer account master (legacy CRM extract, one row per account)',
  200,
  [
    'cust_acct_id:id', 'cust_id:int>sls_cust', 'acct_no:code', 'acct_nm:company', 'acct_typ_cd:code', 'acct_stat_cd:status',
    'cust_acct_dt:date # Account opening date', 'cls_dt:date?', 'prnt_acct_id:int?', 'hq_cntry_id:int>ref_cntry', 'bill_ccy_id:int>ref_ccy',
    'amt_1:money # Lifetime revenue', 'amt_2:money # Revenue last 12 months', 'amt_3:money? # Open AR balance', 'amt_4:money? # Credit memo balance',
    'cr_lmt_amt:money', 'cr_scr:int? # Credit score', 'cr_rvw_dt:date?', 'pmt_term_id:int>ref_pmt_term', 'avg_dso_days:int? # Days sales outstanding',
    'ind_cd:code # Industry (NAICS)', 'emp_cnt_band:code?', 'ann_rev_band:code?', 'seg_cd:code # SMB, MID, ENT', 'tier_cd:code?',
    'acct_mgr_emp_id:int?>hr_emp', 'csm_emp_id:int? # Customer success manager', 'terr_id:int?>sls_terr', 'chnl_id:int?>sls_chnl', 'prtnr_id:int?',
    'web_url:str?', 'main_ph_no:phone?', 'main_email:email?', 'bill_addr_ln1:str', 'bill_city:city', 'bill_pstl_cd:code', 'bill_cntry_id:int>ref_cntry',
    'ship_addr_ln1:str?', 'ship_city:city?', 'ship_pstl_cd:code?', 'tax_exmpt_flg:flag', 'tax_id:code?', 'vat_no:code?', 'po_reqd_flg:flag',
    'edi_flg:flag # Orders arrive by EDI', 'portal_flg:flag', 'nps_scr:int? # Last Net Promoter Score', 'churn_risk_scr:pct?', 'hlth_scr:int?',
    'last_ord_dt:date?', 'last_cntct_dt:date?', 'frst_ord_dt:date?', 'ord_cnt:int', 'rtn_cnt:int', 'tkt_cnt:int', 'lang_id:int?>ref_lang',
    'mktg_opt_out_flg:flag', 'gdpr_cnsnt_dt:date?', 'src_sys_cd:code # Originating system', 'ext_ref_id:str?', 'note_txt:text?',
    'crt_ts:ts', 'crt_by_usr_id:int?>sys_usr', 'upd_ts:ts?', 'upd_by_usr_id:int?>sys_usr', 'row_ver:int',
  ],
  ['acct_no'],
];

/** Names that break naive tools: spaces, reserved words, non-ASCII, a quote. */
const AWKWARD: Def[] = [
  ['Order Details', 'Legacy Access import: order details with spaces in names', 200, ['Order Detail ID:id', 'Order ID:int>sls_ord_hdr', 'Product Name:str', 'Unit Price:money', 'Quantity:qty', 'Discount %:pct?']],
  ['order', 'Table named with a reserved word (web shop orders)', 150, ['id:id', 'select:str # Column named with a reserved word', 'from:date', 'group:code', 'desc:text?', 'key:code', 'cust_id:int>sls_cust']],
  ['group', 'Customer groups (reserved word as table name)', 12, ['id:id', 'name:str', 'where:str?']],
  ['kundenüberblick', 'German subsidiary: customer overview (non-ASCII name)', 80, ['kunden_nr:id', 'straße:str # Street', 'größe_m2:pct? # Store size in m²', 'umsatz_€:money # Revenue in euros', 'cust_id:int?>sls_cust']],
  ['café_menü', 'Staff café menu (non-ASCII)', 20, ['menü_id:id', 'gericht_nm:str', 'prix_€:money', 'végétarien_flg:flag']],
  ["o'brien_import", "A table whose name contains a quote", 10, ["rec_id:id", "it's_flag:flag", 'val_txt:str?']],
];

const HISTORY_OF = [
  'sls_cust', 'sls_ord_hdr', 'sls_ord_ln', 'sls_price_list_itm', 'sls_rep', 'sls_terr', 'sls_promo', 'cust_acct', 'hr_emp', 'hr_pos',
  'hr_dept', 'inv_itm', 'inv_stk_lvl', 'inv_whse', 'po_vndr', 'po_hdr', 'fin_gl_acct', 'fin_cost_ctr', 'fin_bdgt', 'sup_tkt',
  'sup_agent', 'sup_sla_pol', 'mkt_cmpgn', 'mkt_lead', 'shp_carr', 'shp_shpmt', 'ref_cntry', 'ref_ccy', 'sls_invc', 'fin_ap_invc',
  'mfg_wrk_ord', 'mfg_bom', 'prj_prj', 'prj_task',
];

const STAGED = [
  'sls_cust', 'sls_ord_hdr', 'sls_ord_ln', 'sls_invc', 'sls_rtn', 'sls_rfnd', 'inv_itm', 'inv_txn', 'inv_stk_lvl', 'po_hdr', 'po_ln',
  'po_vndr', 'hr_emp', 'hr_pay_stub', 'fin_gl_jrnl', 'fin_gl_jrnl_ln', 'fin_ap_invc', 'fin_ar_rcpt', 'sup_tkt', 'mkt_lead',
  'mkt_email_evt', 'shp_shpmt', 'shp_trk_evt', 'fin_ccy_rt', 'cust_acct',
];

const AGGREGATES: Def[] = [
  ['agg_sls_dly_by_rgn', 'Daily sales by region (nightly rollup)', 300, ['agg_id:id', 'sls_dt:date', 'rgn_id:int>ref_rgn', 'ord_cnt:int', 'net_sls_amt:money', 'gross_sls_amt:money']],
  ['agg_sls_mthly_by_itm', 'Monthly sales by item', 400, ['agg_id:id', 'yr_mth:code # YYYY-MM', 'itm_id:int>inv_itm', 'sold_qty:qty', 'net_sls_amt:money', 'mrgn_amt:money # Gross margin']],
  ['agg_sls_mthly_by_cust', 'Monthly sales by customer', 400, ['agg_id:id', 'yr_mth:code', 'cust_id:int>sls_cust', 'ord_cnt:int', 'net_sls_amt:money']],
  ['agg_sls_by_chnl', 'Sales by channel and month', 100, ['agg_id:id', 'yr_mth:code', 'chnl_id:int>sls_chnl', 'net_sls_amt:money']],
  ['agg_rfnd_by_cntry', 'Refunds by country and month', 150, ['agg_id:id', 'yr_mth:code', 'cntry_id:int>ref_cntry', 'rfnd_cnt:int', 'rfnd_amt:money']],
  ['agg_rtn_rsn_mthly', 'Returns by reason and month', 100, ['agg_id:id', 'yr_mth:code', 'rtn_rsn_cd:code', 'rtn_cnt:int']],
  ['agg_inv_val_by_whse', 'Inventory value by warehouse (month end)', 100, ['agg_id:id', 'yr_mth:code', 'whse_id:int>inv_whse', 'stk_val_amt:money']],
  ['agg_inv_turns', 'Inventory turnover by item category', 100, ['agg_id:id', 'yr_mth:code', 'itm_cat_id:int>inv_itm_cat', 'turn_rt:pct']],
  ['agg_ap_aging', 'Accounts payable aging buckets', 100, ['agg_id:id', 'as_of_dt:date', 'vndr_id:int>po_vndr', 'bkt_0_30_amt:money', 'bkt_31_60_amt:money', 'bkt_61_90_amt:money', 'bkt_90p_amt:money']],
  ['agg_ar_aging', 'Accounts receivable aging buckets', 100, ['agg_id:id', 'as_of_dt:date', 'cust_id:int>sls_cust', 'bkt_0_30_amt:money', 'bkt_31_60_amt:money', 'bkt_61_90_amt:money', 'bkt_90p_amt:money']],
  ['agg_hdcnt_by_dept', 'Headcount by department and month', 100, ['agg_id:id', 'yr_mth:code', 'dept_id:int>hr_dept', 'hdcnt:int # Headcount', 'fte_tot:pct']],
  ['agg_payroll_cost_mthly', 'Payroll cost by department and month', 100, ['agg_id:id', 'yr_mth:code', 'dept_id:int>hr_dept', 'grs_pay_amt:money', 'emp_tax_amt:money']],
  ['agg_attrn_qtrly', 'Employee attrition by quarter', 40, ['agg_id:id', 'yr_qtr:code', 'dept_id:int>hr_dept', 'term_cnt:int', 'attrn_rt_pct:pct']],
  ['agg_tkt_vol_dly', 'Support ticket volume per day', 300, ['agg_id:id', 'tkt_dt:date', 'opn_cnt:int', 'clsd_cnt:int', 'bklg_cnt:int # Backlog']],
  ['agg_sla_brch_mthly', 'SLA breaches by month and priority', 60, ['agg_id:id', 'yr_mth:code', 'prio_cd:code', 'brch_cnt:int', 'brch_pct:pct']],
  ['agg_csat_mthly', 'Customer satisfaction by month', 36, ['agg_id:id', 'yr_mth:code', 'avg_scr:pct', 'resp_cnt:int']],
  ['agg_cmpgn_perf', 'Campaign performance', 40, ['agg_id:id', 'cmpgn_id:int>mkt_cmpgn', 'sent_cnt:int', 'open_cnt:int', 'clk_cnt:int', 'lead_cnt:int', 'roi_pct:pct?']],
  ['agg_shp_otd_mthly', 'On-time delivery by carrier and month', 60, ['agg_id:id', 'yr_mth:code', 'carr_id:int>shp_carr', 'shpmt_cnt:int', 'otd_pct:pct # On-time delivery rate']],
  ['agg_frt_cost_by_rgn', 'Freight cost by region', 60, ['agg_id:id', 'yr_mth:code', 'rgn_id:int>ref_rgn', 'frt_cost_amt:money']],
  ['agg_gl_tb_mthly', 'Trial balance by account and period', 300, ['agg_id:id', 'fscl_prd_id:int>fin_fscl_prd', 'gl_acct_id:int>fin_gl_acct', 'opn_bal_amt:money', 'dr_tot_amt:money', 'cr_tot_amt:money', 'cls_bal_amt:money']],
];

const MONTHS = ['202401', '202402', '202403', '202404', '202405', '202406', '202407', '202408', '202409', '202410', '202411', '202412', '202501', '202502', '202503', '202504', '202505', '202506', '202507', '202508', '202509', '202510', '202511', '202512'];

function build(def: Def): ModelTable {
  const [name, comment, rows, columns, index] = def;
  return { name, comment, rows, columns: columns.map(column), ...(index ? { index } : {}) };
}

function historyOf(table: ModelTable): ModelTable {
  const [key, ...rest] = table.columns;
  const { ref: _keyRef, ...keyColumn } = key!;
  return {
    name: `${table.name}_hist`,
    comment: `History of ${table.name} (type 2: one row per version)`,
    rows: Math.min(table.rows, 120),
    columns: [
      { name: `${table.name}_hist_id`, kind: 'id', nullable: false, comment: null },
      { ...keyColumn, kind: 'int', comment: `Key of the ${table.name} row` },
      ...rest.map(({ ref: _ref, ...col }) => ({ ...col, nullable: true })),
      { name: 'vld_from_ts', kind: 'ts', nullable: false, comment: 'Version valid from' },
      { name: 'vld_to_ts', kind: 'ts', nullable: true, comment: 'Version valid to (null = current)' },
      { name: 'chg_by_usr_id', kind: 'int', nullable: true, comment: null },
    ],
  };
}

function stagingOf(table: ModelTable): ModelTable {
  return {
    name: `stg_${table.name}`,
    comment: `Staging copy of ${table.name} loaded by the nightly ETL`,
    rows: Math.min(table.rows, 60),
    columns: [
      { name: 'stg_row_id', kind: 'id', nullable: false, comment: null },
      ...table.columns.map(({ ref: _ref, ...col }) => ({ ...col, kind: col.kind === 'id' ? ('int' as const) : col.kind, nullable: true })),
      { name: 'etl_src_sys_cd', kind: 'code', nullable: false, comment: 'Source system' },
      { name: 'etl_btch_id', kind: 'big', nullable: false, comment: 'ETL batch' },
      { name: 'etl_ld_ts', kind: 'ts', nullable: false, comment: 'Loaded at' },
    ],
  };
}

function monthlySnapshot(month: string, stock: ModelTable): ModelTable {
  return {
    name: `snap_inv_stk_lvl_${month}`,
    comment: `Month-end stock level snapshot ${month.slice(0, 4)}-${month.slice(4)}`,
    rows: 40,
    columns: stock.columns.map(({ ref: _ref, ...col }) => col),
  };
}

/** The demo schema: over 200 tables across sales, finance, HR, inventory, procurement, support, marketing, logistics. */
export function demoSchema(): SchemaModel {
  const core = [...CORE, WIDE_CUSTOMER_ACCOUNT].map(build);
  const byName = new Map(core.map((table) => [table.name, table]));
  const tables: ModelTable[] = [
    ...core,
    ...AWKWARD.map(build),
    ...AGGREGATES.map(build),
    ...HISTORY_OF.map((name) => historyOf(byName.get(name)!)),
    ...STAGED.map((name) => stagingOf(byName.get(name)!)),
    ...MONTHS.map((month) => monthlySnapshot(month, byName.get('inv_stk_lvl')!)),
    ...['20230115', '20231231'].map((day) => ({ ...stagingOf(byName.get('sls_ord_hdr')!), name: `bak_sls_ord_hdr_${day}`, comment: `Manual backup taken ${day} before a data fix` })),
    { ...stagingOf(byName.get('hr_emp')!), name: 'tmp_emp_cleanup', comment: null },
  ];
  const views: ModelView[] = [
    { name: 'v_ord_summary', select: (q) => `SELECT h.${q('ord_id')}, h.${q('ord_no')}, c.${q('cust_nm')}, h.${q('ord_dt')}, h.${q('tot_net_amt')} FROM ${q('sls_ord_hdr')} h JOIN ${q('sls_cust')} c ON c.${q('cust_id')} = h.${q('cust_id')}` },
    { name: 'v_emp_dir', select: (q) => `SELECT e.${q('emp_id')}, e.${q('frst_nm')}, e.${q('lst_nm')}, e.${q('email_addr')}, d.${q('dept_nm')} FROM ${q('hr_emp')} e JOIN ${q('hr_dept')} d ON d.${q('dept_id')} = e.${q('dept_id')}` },
    { name: 'v_open_tkts', select: (q) => `SELECT ${q('tkt_id')}, ${q('tkt_no')}, ${q('prio_cd')}, ${q('opn_ts')} FROM ${q('sup_tkt')} WHERE ${q('clsd_ts')} IS NULL` },
    { name: 'v_low_stock', select: (q) => `SELECT ${q('itm_id')}, ${q('whse_id')}, ${q('qty_on_hnd')}, ${q('reord_pt_qty')} FROM ${q('inv_stk_lvl')} WHERE ${q('qty_on_hnd')} < ${q('reord_pt_qty')}` },
  ];
  return { tables, views };
}
