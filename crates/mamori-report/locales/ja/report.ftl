# 情報セキュリティ報告書（経済産業省 情報セキュリティ報告書モデル）の固定文言
r-title = 情報セキュリティ報告書
r-contents = 目次
r-period-text = 本報告書が対象とする期間は、{ $from }～{ $to }とします。
r-period-line = 対象期間：{ $from }～{ $to }
r-issued-line = 発行日：{ $date }
r-edition = 第{ $n }版
r-status-draft = 下書き
r-status-review = 確認中
r-status-approved = 承認済み（未公表）
r-status-published = 公表済み
r-year-this = 今年度
r-year-last = 昨年度
r-year-before-last = 一昨年度
r-year-next = 来年度
r-unit-items = 件
r-unit-persons = 人
r-unit-times = 回
r-nothing = なし
r-note-previous = ※( )内の数値は前年度（{ $year }）実績
r-note-previous-result = ※前年度（{ $year }）実績：{ $value }

# 章・節・項の見出し
r-s1 = 基本情報
r-s1-1 = 本報告書の目的
r-s1-2 = 本報告書の対象期間
r-s1-3 = 本報告書の責任者（連絡先）
r-s2 = 経営者の情報セキュリティに関する考え方
r-s2-1 = 情報セキュリティに関する取組み方針
r-s2-2 = 対象範囲
r-s2-3 = 報告書におけるステークホルダーの位置づけ、ステークホルダーに対するメッセージ
r-s3 = 情報セキュリティガバナンス
r-s3-1 = 情報セキュリティマネジメント体制
r-s3-1-1 = 推進体制の構造と活動
r-s3-1-2 = 教育・研修
r-s3-1-3 = 関連法制の順守
r-s3-2 = リスクマネジメント
r-s4 = 情報セキュリティ対策の計画、目標
r-s4-1 = 情報セキュリティ第三者認証の維持
r-s4-2 = 社員教育の徹底
r-s4-3 = 社内外コミュニケーションの促進
r-s4-4 = 情報セキュリティ目標（{ $year }）
r-s5 = 情報セキュリティ対策の実績、評価
r-s5-1 = 計画に対する実績
r-s5-1-1 = 情報セキュリティ第三者認証の維持
r-s5-1-2 = 社員教育の徹底
r-s5-1-3 = 社内外コミュニケーションの促進
r-s5-1-4 = 情報セキュリティ目標の達成状況
r-s5-2 = 年度実績報告
r-s5-2-1 = 法令対応報告
r-s5-2-2 = 教育訓練計画及び実績報告
r-s5-2-3 = 社外インシデントの検討件数と実装状況報告
r-s5-2-4 = セキュリティ緩和策の実施状況報告
r-s5-2-5 = 新たな業務開始あるいは新たな重要資産の取得報告
r-s5-2-6 = マネジメントレビューのインプット・アウトプット報告
r-s5-2-7 = 事業継続計画訓練の実施結果報告
r-s5-2-8 = 施設の選定結果報告
r-s5-2-9 = 事故等報告
r-s5-2-10 = 外部の利害関係者からの苦情・クレーム
r-s5-2-11 = 二次監査の実施状況
r-s5-3 = 実績に対する評価
r-s5-3-1 = 情報セキュリティ第三者認証の維持
r-s5-3-2 = 社員教育の徹底
r-s5-3-3 = 社内外コミュニケーションの促進
r-s6 = 情報セキュリティに係る主要注力テーマ
r-s6-1 = 情報セキュリティ対策に係る主要注力テーマ
r-s7 = 第三者評価・認証

# 1.3
r-address = 所在地
r-organisation = 会社名
r-phone = 電話

# 3.1 体制図
r-secretariat = ISO事務局
r-role-top_management = 経営者（トップマネジメント）
r-role-isms_manager_lead = ISO事務局長
r-role-internal_audit_lead = 内部監査責任者
r-role-system_admin = システム管理責任者
r-role-system_admin_deputy = システム管理責任者補
r-role-external_advisor = 外部アドバイザー
r-role-department_info_manager = 部門情報管理責任者

# 4(4)・5.1(4) 目標
r-cap-objectives = 情報セキュリティ目標（{ $year }）
r-cap-results = 情報セキュリティ目標の達成状況（{ $year }）
r-objectives-count = 本報告の対象年度には、情報セキュリティ目標を { $count } 設定しました。
r-objectives-achieved = 本報告の対象期間中に達成した目標は { $count } です。
r-h-objective = 目標
r-h-target = 目標値
r-h-metric = 指標
r-h-result = 実績
r-h-achieved = 達成
r-h-evaluation = 評価
r-achieved-yes = 達成
r-achieved-no = 未達成
r-target-at_least = { $value }以上
r-target-at_most = { $value }以下
r-target-equal = { $value }
r-note-results = ※実績は、年度内に測定した結果を目標ごとに定めた方法（合計・最新値・平均・最低値・最高値）でまとめた値です。目標値のない目標は達成を判定しません。

# 5.2(1)
r-cap-laws = 法令対応状況（{ $year }）
r-laws-none = 本報告の対象期間中、法的要求事項の変更（改正）等に伴うリスク対応策の見直し等の処置実績はありませんでした。
r-laws-acted = 本報告の対象期間中、法的要求事項の変更（改正）等に伴い、以下のとおりリスク対応策を見直しました。
r-h-law = 法令名
r-h-effective = 施行期日
r-h-changes = 主な改正点
r-h-review = 見直し内容

# 5.2(2)
r-training-text = 本報告の対象期間中は、情報セキュリティを含む教育訓練を以下のとおり実施しました。初任時研修と定期教育訓練の受講率は { $rate } でした。
r-cap-training = 社内研修実施状況（{ $year }）
r-cap-training-plan = 研修計画と実施状況（{ $year }）
r-h-planned = 計画
r-h-held = 実施
r-cap-seminars = 社外研修実施状況（{ $year }）※情報セキュリティに関する専門研修のみ
r-h-course = 研修名
r-h-content = 内容
r-h-target-persons = 対象者
r-h-attended = 受講人数
r-h-note = 備考
r-h-seminar = 研修名
r-course-onboarding = 初任時研修
r-course-periodic = 定期教育訓練
r-course-remedial = 臨時教育訓練
r-course-mental_health = メンタルヘルス研修
r-organiser = 主催：{ $body }
r-seminars-total = ※受講人数の合計：{ $value }

# 5.2(3)(4)(5)
r-external-text = 本報告の対象期間中は、社外の情報セキュリティインシデントを検討して、必要に応じたリスク対応策を実装しました。
r-cap-external = 社外インシデント検討状況（{ $year }）
r-h-reviewed = インシデント検討数
r-h-implemented = うち実装数
r-h-implementation = 実装内容
r-relaxation-none = 本報告の対象期間中は、管理策の過剰等による緩和に係る起案実績はありませんでした。
r-relaxation-text = 本報告の対象期間中は、管理策の過剰等による緩和を以下のとおり検討しました。
r-cap-relaxation = リスク緩和検討状況（{ $year }）
r-h-relax-reviewed = リスク緩和検討数
r-h-relaxed = うち緩和数
r-h-relaxation = リスク緩和内容
r-changes-text = 本報告の対象期間中は、新たな業務開始あるいは新たな重要資産の取得に伴うリスクアセスメントおよび管理策の実装状況の確認（協議）を行いました。
r-cap-changes = 新たな業務開始および重要資産の取得に伴う検討状況（{ $year }）
r-h-assessed = 検討件数
r-h-confirmed = うち管理策確認件数

# 5.2(6)
r-mr-text = 本報告の対象期間中は、マネジメントレビュー（MR）を開催しました。
r-mr-none = 本報告の対象期間中は、マネジメントレビュー（MR）を開催しませんでした。
r-cap-mr = MR のインプット・アウトプット状況（{ $year }）
r-h-held-on = 開催日
r-h-inputs = 判断材料（インプット）数
r-h-outputs = 決定事項（アウトプット）数

# 5.2(7)
r-drills-text = 本報告の対象期間中は、事業継続計画訓練を実施しました。
r-drills-none = 本報告の対象期間中は、事業継続計画訓練を実施しませんでした。
r-cap-drills = 事業継続計画訓練結果（{ $year }）
r-h-done-on = 実施日
r-h-scenario = 対象事象および試験
r-h-target-time = 前提復旧時間
r-h-actual-time = 復旧時間
r-h-feedback = フィードバック（対応）
r-drill-event = { $what }（発生確率 { $from }、優先順位 { $to }）
r-drill-hours = { $count } 時間以内
r-drill-minutes = 約 { $count } 分
r-drill-previous = ※前回は { $date } 付実施
r-drill-previous-none = ※前回の実施記録なし

# 5.2(8)
r-facilities-text = 本報告の対象期間中は、以下のとおり施設の選定を行いました。
r-facilities-none = 本報告の対象期間中は、施設の選定は行われませんでした。
r-cap-facilities = 施設選定結果（{ $year }）
r-h-building = 建物名称および住所
r-h-surveyed = 調査日
r-h-criteria = 評価項目数
r-h-average = 平均点
r-decision-pending = 検討中
r-decision-selected = 採用
r-decision-rejected = 不採用

# 5.2(9)
r-events-none = 本報告の対象期間中には、事業に影響を及ぼし得るセキュリティ関連の事故（重要資産の盗難・紛失・流用、システムダウン、情報流出等）は発生しませんでした。
r-events-text = 本報告の対象期間中に発生したセキュリティ関連の事故等は以下のとおりです。
r-cap-events = 事故等発生件数（{ $year }）
r-event-incident = セキュリティインシデント（事故・事件）
r-event-near_miss = セキュリティ事象（ヒヤリハット事例）
r-finding-first_party-corrective = 是正要求（第一者監査 ※内部監査）
r-finding-second_party-corrective = 是正要求（第二者監査）
r-finding-third_party-corrective = 是正要求（第三者監査）
r-finding-third_party-observation = 観察事項（第三者監査）
r-share-title = セキュリティ事象におけるヒューマンエラーの割合
r-share-text = セキュリティ事象（事故・ヒヤリハット等）のうちヒューマンエラーによるものの割合は { $value } でした（前年度の値を括弧内に示します）。

# 5.2(10)
r-complaints-text = 本報告の対象期間中に、当社のセキュリティ上の不手際等によるクレーム・苦情が以下のとおり発生しました。
r-complaints-none = 本報告の対象期間中に、当社のセキュリティ上の不手際等によるクレーム・苦情はありませんでした。
r-cap-complaints = 苦情・クレーム等発生件数（{ $year }）
r-complaint-claim = クレーム
r-complaint-complaint = 苦情

# 5.2(11)
r-second-text = 本報告の対象期間中に、情報セキュリティに係る二次監査が以下のとおり実施されました。
r-second-none = 本報告の対象期間中に、情報セキュリティに係る二次監査は実施されませんでした。
r-cap-second = 二次監査実施結果（{ $year }）
r-h-when = 実施日時
r-h-audit-kind = 実施区分
r-h-auditing-body = 監査組織
r-h-auditors = 人数
r-h-findings = 指摘内容等
r-unannounced = 抜き打ち監査
r-announced = 通常監査
r-auditors = { $count } 名
r-second-previous = ※前年度は { $value } 実施
r-second-previous-none = ※前年度は実施無し

# 7
r-certified-since = 当社は { $date } に ISMS 適合性評価制度に基づく認証を取得しました。
r-cert-scope = 認証範囲
r-cert-standard = 取得認証規格
r-cert-number = 最新登録番号
r-cert-registered = 登録日
r-cert-body = 認証機関
r-cert-accreditation = 認定機関
r-cert-audit = { $date } に { $body } により{ $kind }が実施され、重大な不適合 { $major }、軽微な不適合 { $minor }、改善の機会 { $improvement } でした。
r-cap-cert = 認証審査の指摘件数（{ $year }）
r-h-major = 重大な不適合
r-h-minor = 軽微な不適合
r-h-improvement = 改善の機会・観察事項
r-audit-initial_stage1 = 初回認証審査（第一段階）
r-audit-initial_stage2 = 初回認証審査（第二段階）
r-audit-surveillance_1 = 1年次定期サーベイランス審査
r-audit-surveillance_2 = 2年次定期サーベイランス審査
r-audit-recertification = 更新審査
r-audit-special = 特別審査

# 公表前の確認
r-check-changed = 確認に回した後で数値が変わりました
r-check-empty = 記述が空です
r-check-placeholder = 記述の差し込みが報告書のどの数値も指していません
r-check-unchanged = 記述が前年度の公表版と同じです。今年度の内容か確認してください
r-check-typed-percent = 記述に手入力された割合が、今年度のどの数値とも一致しません（差し込みを使うと記録と一致します）
r-check-trend = 記述の増減の言葉が、差し込んだ数値の前年度からの変化と合いません
r-check-objective = 数値目標のない情報セキュリティ目標
r-check-open = 対象年度の未完了の記録
