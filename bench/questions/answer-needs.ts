/**
 * Questions with everything their SQL needs: the tables and the columns (`table.column`), joins included. Written
 * from the schema's meaning (the demo database, and W200's generated names), before measuring; the retrieval is
 * not tuned to them. Used for recall inside a token budget (bench/suites/query-engine.ts).
 */
export interface AnswerNeeds {
  readonly question: string;
  readonly tables: readonly string[];
  readonly columns: readonly string[];
}

export const DEMO_ANSWER_NEEDS: readonly AnswerNeeds[] = [
  {
    question: 'total refund amount by country name',
    tables: ['sls_rfnd', 'ref_cntry'],
    columns: ['sls_rfnd.rfnd_amt', 'sls_rfnd.cntry_id', 'ref_cntry.cntry_id', 'ref_cntry.cntry_nm'],
  },
  {
    question: 'current base salary of each employee with their name',
    tables: ['hr_comp_hist', 'hr_emp'],
    columns: [
      'hr_comp_hist.base_sal_amt',
      'hr_comp_hist.emp_id',
      'hr_comp_hist.eff_dt',
      'hr_emp.emp_id',
      'hr_emp.frst_nm',
      'hr_emp.lst_nm',
    ],
  },
  {
    question: 'stock on hand per warehouse name',
    tables: ['inv_stk_lvl', 'inv_whse'],
    columns: ['inv_stk_lvl.qty_on_hnd', 'inv_stk_lvl.whse_id', 'inv_whse.whse_id', 'inv_whse.whse_nm'],
  },
  {
    question: 'number of open support tickets by priority',
    tables: ['sup_tkt'],
    columns: ['sup_tkt.prio_cd', 'sup_tkt.tkt_stat_cd'],
  },
  {
    question: 'purchase order totals per vendor in 2024',
    tables: ['po_hdr'],
    columns: ['po_hdr.vndr_id', 'po_hdr.tot_amt', 'po_hdr.po_dt'],
  },
  {
    question: 'average delivery time in days per carrier name',
    tables: ['shp_shpmt', 'shp_carr'],
    columns: ['shp_shpmt.ship_dt', 'shp_shpmt.dlvr_dt', 'shp_shpmt.carr_id', 'shp_carr.carr_id', 'shp_carr.carr_nm'],
  },
  {
    question: 'invoices past their due date that are not fully paid',
    tables: ['sls_invc'],
    columns: ['sls_invc.due_dt', 'sls_invc.invc_amt', 'sls_invc.paid_amt'],
  },
  {
    question: 'exchange rate from EUR to USD over time',
    tables: ['fin_ccy_rt', 'ref_ccy'],
    columns: [
      'fin_ccy_rt.xchg_rt',
      'fin_ccy_rt.rt_dt',
      'fin_ccy_rt.from_ccy_id',
      'fin_ccy_rt.to_ccy_id',
      'ref_ccy.ccy_id',
      'ref_ccy.ccy_cd',
    ],
  },
  {
    question: 'days of leave requested per employee last year',
    tables: ['hr_lv_req'],
    columns: ['hr_lv_req.emp_id', 'hr_lv_req.days_cnt', 'hr_lv_req.strt_dt'],
  },
  {
    question: 'share of leads converted to customers per lead source',
    tables: ['mkt_lead'],
    columns: ['mkt_lead.lead_src_cd', 'mkt_lead.cnvrt_cust_id'],
  },
  {
    question: 'minutes of machine downtime by reason',
    tables: ['mfg_mach_dt'],
    columns: ['mfg_mach_dt.dt_rsn_cd', 'mfg_mach_dt.lost_mins'],
  },
  {
    question: 'billable hours per project name',
    tables: ['prj_tm_entry', 'prj_prj'],
    columns: ['prj_tm_entry.hrs', 'prj_tm_entry.bill_flg', 'prj_prj.prj_nm'],
  },
  {
    question: 'sales reps with their quota and commission rate',
    tables: ['sls_rep'],
    columns: ['sls_rep.rep_id', 'sls_rep.quota_amt', 'sls_rep.comm_rt_pct'],
  },
  {
    question: 'supplier payments by payment method this year',
    tables: ['fin_ap_pmt'],
    columns: ['fin_ap_pmt.pmt_mthd_cd', 'fin_ap_pmt.pmt_amt', 'fin_ap_pmt.pmt_dt'],
  },
  {
    question: 'revenue per customer name from order lines',
    tables: ['sls_ord_ln', 'sls_ord_hdr', 'sls_cust'],
    columns: [
      'sls_ord_ln.ln_net_amt',
      'sls_ord_ln.ord_id',
      'sls_ord_hdr.ord_id',
      'sls_ord_hdr.cust_id',
      'sls_cust.cust_id',
      'sls_cust.cust_nm',
    ],
  },
  { question: 'number of returns by return reason', tables: ['sls_rtn'], columns: ['sls_rtn.rtn_rsn_cd'] },
  {
    question: 'orders per sales channel and month',
    tables: ['sls_ord_hdr'],
    columns: ['sls_ord_hdr.chnl_id', 'sls_ord_hdr.ord_dt'],
  },
  {
    question: 'customers whose credit limit is above 100000',
    tables: ['sls_cust'],
    columns: ['sls_cust.cust_nm', 'sls_cust.cr_lmt_amt'],
  },
  {
    question: 'employees hired per department each year',
    tables: ['hr_emp'],
    columns: ['hr_emp.hire_dt', 'hr_emp.dept_id'],
  },
  {
    question: 'freight cost of shipments by destination country',
    tables: ['shp_shpmt', 'ref_cntry'],
    columns: ['shp_shpmt.frt_cost_amt', 'shp_shpmt.dest_cntry_id', 'ref_cntry.cntry_id', 'ref_cntry.cntry_nm'],
  },
];
