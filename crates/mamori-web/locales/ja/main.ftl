# Mamori: 日本語 (既定)

## 全体
nav-skip = 本文へ移動
nav-label = メインメニュー
nav-menu = メニュー
nav-dashboard = ダッシュボード
nav-audit = 監査証跡
nav-settings = 組織の設定
nav-back-home = トップへ戻る
fiscal-year = 年度
switch-language = English
sign-in = サインイン
sign-in-lead = 組織のアカウントでサインインしてください。
sign-out = サインアウト
printed-on = 印刷日
required = 必須
group-organization = 組織
group-people = 人と教育
group-assets = 資産
group-operations = 運用と改善
group-risk = リスクと管理策
group-report = 報告書
group-system = システム

## 役割
role-admin = システム管理者
role-isms_manager = ISO事務局
role-department_manager = 部門情報管理責任者
role-staff = 社員
role-auditor = 監査員

## 台帳
register-department = 部門
register-person = 社員等
register-appointment = 任命
department-code = 部門コード
department-name = 部門名
department-name_en = 部門名（英語）
department-valid_from = 有効開始日
department-valid_to = 有効終了日
department-note = 備考
person-employee_no = 社員番号
person-name = 氏名
person-name_kana = 氏名（カナ）
person-email = メールアドレス
person-employment_type = 雇用区分
person-department = 所属部門
person-joined_on = 入社日
person-left_on = 退職日
employment_type-officer = 役員
employment_type-employee = 社員
employment_type-temporary = 臨時社員
employment_type-dispatched = 派遣社員
employment_type-contractor = 常駐協力会社員
appointment-person = 氏名
appointment-role = 任命
appointment-department = 部門
appointment-starts_on = 任期開始日
appointment-ends_on = 任期終了日
appointment-note = 備考
role-isms_manager_lead = ISO事務局長
role-department_info_manager = 部門情報管理責任者
role-system_admin = システム管理責任者
role-system_admin_deputy = システム管理責任者補
role-internal_audit_lead = 内部監査責任者
role-external_advisor = 外部アドバイザ

## 未構築の領域
area-training = 教育・訓練
area-training-items = 研修、研修実施と受講、理解度テスト、社外研修、秘密保持誓約書と身元保証書。
area-assets = 情報資産
area-assets-items = 資産台帳と取扱者、取扱い履歴と廃棄、情報機器とLANケーブル、お預り鍵と点検。
area-improvement = 事故・是正
area-improvement-items = セキュリティインシデントとヒヤリハット、是正処置、監査と指摘事項、苦情・クレーム。
area-governance = 方針・会議
area-governance-items = 情報セキュリティ目標、要求事項と法令改正、会議と議事録、掲示板の周知、マネジメントレビュー、認証。
area-risk = リスク・管理策
area-risk-items = リスク台帳と対応策、附属書Aと適用宣言書、内部規定、事業継続計画訓練、施設の評価、自社診断。
area-report = 情報セキュリティ報告書
area-report-items = 記録から作成する年度の情報セキュリティ報告書（HTML、PDF、DOCX）と、その数値の根拠となる記録。
area-not-built = この領域はまだ作られていません（issue #{ $issue } で作成予定）。

## ダッシュボード
dashboard-period = 対象期間: { $period }
dashboard-people = 在籍者数（現在）
dashboard-joined = 年度内の入社者
dashboard-departments = 部門数
dashboard-appointments-started = 年度内に開始した任命
dashboard-note = 数値をクリックすると、その数値の根拠となる記録の一覧が開きます。

## 一覧
list-count = 全 { $total } 件（{ $from }〜{ $to } 件目を表示）
list-empty = 該当する記録はありません。
filter-search = 検索
filter-from = から
filter-to = まで
filter-any = すべて
filter-status = 状態
status-active = 有効
status-withdrawn = 取り下げ済み
status-all = すべて
pager-label = ページ送り
pager-prev = ← 前へ
pager-next = 次へ →
pager-page = { $page } / { $pages } ページ

## 操作
action-apply = 適用
action-new = 新規登録
action-import = 取り込み
action-export-xlsx = Excel出力
action-export-csv = CSV出力
action-print = 印刷
action-filter = 絞り込む
action-clear = 条件をクリア
action-save = 保存
action-cancel = キャンセル
action-edit = 修正
action-withdraw = 取り下げ
action-reinstate = 取り下げを取り消す
action-create = 登録
action-update = 修正
action-sign-in = サインイン
action-sign-in-failed = サインイン失敗
action-locked = アカウントロック
action-set-password = パスワード設定
action-disable = 利用停止
action-enable = 利用再開
action-preferences = 表示設定の変更
action-revoke = 失効

## フォームと詳細
form-new-title = { $register }の新規登録
form-edit-title = { $record }の修正
form-has-errors = 入力内容を確認してください。
date-placeholder = 例: 2017-04-01
date-hint = 西暦（2017-04-01、2017/4/1）または和暦（平成29年4月1日、H29.4.1）で入力できます。全角数字も使えます。
record-withdrawn = この記録は { $at } に取り下げられました。理由: { $reason }
withdraw-hint = 記録は削除されず、取り下げの理由とともに残ります。
history = 変更履歴
history-at = 日時
history-actor = 実施者
history-action = 操作
history-changes = 変更内容

## 取り込み
import-title = { $register }の取り込み
import-lead = Excel（.xlsx）またはCSV（UTF-8）のファイルを選んでください。1行目は見出しです。1行でも誤りがあれば何も取り込まず、すべての誤りを行・列ごとに示します。
import-columns = 見出し
import-file = ファイル
import-done = { $count } 件を取り込みました。
import-back = 一覧へ戻る
import-failed = { $count } 件の誤りがあるため、何も取り込みませんでした。
import-row-heading = 行
import-column = 列
import-reason = 理由
import-row = { $row } 行目: { $message }

## 監査証跡
audit-intact = 監査証跡のハッシュチェーンは改ざんされていません（{ $rows } 件を検証）。
audit-broken = 監査証跡のハッシュチェーンが { $row } 番目の記録で壊れています。改ざんの可能性があります。
audit-count = 全 { $total } 件
audit-entity = 対象
audit-hash = ハッシュ
entity-user = ユーザー
entity-api_token = APIトークン
entity-organization = 組織
entity-membership = メンバー
entity-department = 部門
entity-person = 社員等
entity-appointment = 任命

## 設定
settings-profile = 組織の情報
settings-name = 組織名
settings-fiscal-year = 年度
settings-fiscal-year-start = 年度の開始月
month = { $month }月
profile-postal_code = 郵便番号
profile-address = 所在地
profile-phone = 電話番号
profile-certification_scope = 認証範囲

## アカウント
account-title = アカウント
account-preferences = 表示設定
account-language = 言語
account-date-style = 日付の表示
account-memberships = 所属組織
account-password = パスワード
account-tokens = APIトークン
token-created = トークンを作成しました。この画面を離れると二度と表示されません。
token-name = 名前
token-created-on = 作成日
token-state = 状態
token-revoked = 失効済み
token-revoke = 失効させる
token-create = トークンを作成
password-change = パスワードの変更
password-expired-lead = パスワードの有効期限が切れました。続けるには新しいパスワードを設定してください。
password-policy-hint = 10文字以上。よく使われるパスワードは使えません。
field-email = メールアドレス
field-password = パスワード
field-current_password = 現在のパスワード
field-new_password = 新しいパスワード
field-password_confirm = 新しいパスワード（確認）
field-reason = 理由
field-name = 名前
field-display_name = 表示名
field-date_style = 日付の表示
field-lang = 言語
field-q = 検索
field-status = 状態
field-fy = 年度
field-fiscal_year_start_month = 年度の開始月
field-limit = 件数

## エラー
status-400 = 要求が正しくありません
status-401 = サインインが必要です
status-403 = 権限がありません
status-404 = 見つかりません
status-405 = この操作はできません
status-409 = 実行できません
status-413 = 大きすぎます
status-422 = 入力に誤りがあります
status-500 = システムエラー
error-home = トップへ戻る
error-sign-in-required = サインインしてください。
error-forbidden = この操作を行う権限がありません。
error-not-found = お探しのページまたは記録は見つかりませんでした。
error-invalid = 入力内容に誤りがあります。
error-import-rows = ファイルに誤りがあるため、何も取り込みませんでした。
error-internal = システムエラーが発生しました。管理者に連絡してください。
error-csrf = 画面の有効期限が切れました。ページを開き直してからもう一度操作してください。
error-bad-credentials = メールアドレスまたはパスワードが違います。
error-locked = サインインの失敗が続いたため、アカウントを一時的にロックしました。しばらくしてから試してください。
error-password-expired = パスワードの有効期限が切れています。新しいパスワードを設定してください。
error-record-withdrawn = この記録は取り下げ済みのため変更できません。
error-record-not-withdrawn = この記録は取り下げられていません。
error-database-not-empty = データベースが空ではありません。空のデータベースを指定してください。
error-backup-format = バックアップファイルの形式が違います。
error-backup-schema-version = バックアップのスキーマ版がこのMamoriと合いません。
error-file-unreadable = ファイルを読み取れませんでした。Excel（.xlsx）またはUTF-8のCSVを選んでください。
error-file-missing = ファイルを選んでください。
error-method-not-allowed = この操作はできません。
error-too-large = 送信された内容が大きすぎます。
error-bad-request = 要求の形式が正しくありません。
error-bad-json = JSONオブジェクトとして読み取れませんでした。
error-field-required = { $field }を入力してください。
error-field-too-long = { $field }は{ $detail }文字以内で入力してください。
error-field-invalid-date = { $field }は日付として読み取れません（例: 2017-04-01、平成29年4月1日）。
error-field-invalid-choice = { $field }は選択肢から選んでください。
error-field-invalid-email = { $field }はメールアドレスの形式で入力してください。
error-field-unknown-ref = { $field }「{ $detail }」は登録されていません。
error-field-duplicate = { $field }「{ $detail }」はすでに登録されています。
error-field-not-before = { $field }は{ $detail }より前の日付にできません。
error-field-unknown-field = 「{ $field }」という項目はありません。
error-field-unknown-column = 見出し「{ $field }」は項目として認識できません。
error-field-duplicate-column = 見出し「{ $field }」が重複しています。
error-field-missing-column = 必須の列「{ $field }」がありません。
error-field-no-rows = 取り込む行がありません。
error-field-control-characters = { $field }に使えない制御文字が含まれています。
error-field-forbidden = この行を登録する権限がありません。
error-field-database = データベースエラー: { $detail }
error-field-invalid = { $field }の値が正しくありません。
error-field-invalid-type = { $field }は文字列・数値・nullのいずれかで指定してください。
error-field-invalid-number = { $field }は整数で指定してください。
error-field-out-of-range = { $field }は1〜{ $detail }の範囲で指定してください。
error-field-unknown-filter = 「{ $field }」では絞り込めません。
error-field-password-too-short = パスワードは{ $detail }文字以上にしてください。
error-field-password-common = よく使われるパスワードのため使えません。
error-field-password-wrong = 現在のパスワードが違います。
error-field-password-unchanged = 新しいパスワードは現在のものと変えてください。
error-field-password-mismatch = 確認用のパスワードが一致しません。
error-field-invalid-slug = 組織の識別子は英小文字・数字・ハイフンで2〜40文字にしてください。
error-field-auditor-needs-end-date = 監査員には終了日が必要です。
