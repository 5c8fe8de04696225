<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActivityDialog</name>
    <message>
        <source>New activity</source>
        <translation>新增志愿活动</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>活动名称</translation>
    </message>
    <message>
        <source>Held on</source>
        <translation>活动日期</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>活动时长（小时）</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>邻里之家</translation>
    </message>
    <message>
        <source>Points per hour</source>
        <translation>每小时积分</translation>
    </message>
    <message>
        <source>Places</source>
        <translation>招募人数</translation>
    </message>
    <message>
        <source>Name the activity</source>
        <translation>请填写活动名称</translation>
    </message>
</context>
<context>
    <name>AgreementDialog</name>
    <message>
        <source>Sign an agreement</source>
        <translation>签订共建协议</translation>
    </message>
    <message>
        <source>until</source>
        <translation>截止</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Partner organization</source>
        <translation>共建单位</translation>
    </message>
    <message>
        <source>Signed on</source>
        <translation>签订日期</translation>
    </message>
    <message>
        <source>Runs from</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <source>What it covers</source>
        <translation>协议内容</translation>
    </message>
    <message>
        <source>Add the document…</source>
        <translation>添加协议文本…</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>协议文本</translation>
    </message>
    <message>
        <source>Add another document…</source>
        <translation>再添加文件…</translation>
    </message>
    <message>
        <source>The agreement&apos;s document</source>
        <translation>协议文本</translation>
    </message>
    <message>
        <source>Name the community and the partner</source>
        <translation>请填写社区和共建单位</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>GridWorker cannot start</source>
        <translation>网格通无法启动</translation>
    </message>
    <message>
        <source>Part of GridWorker is missing or damaged (%1), so it does not open. Please reinstall it; the details are in the log.</source>
        <translation>网格通的部分组件缺失或损坏（%1），无法打开。请重新安装；详情已写入日志。</translation>
    </message>
</context>
<context>
    <name>AttendanceDialog</name>
    <message>
        <source>Record attendance</source>
        <translation>登记参加</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Volunteer</source>
        <translation>志愿者</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>服务时长（小时）</translation>
    </message>
    <message>
        <source>Register a volunteer first</source>
        <translation>请先登记志愿者</translation>
    </message>
</context>
<context>
    <name>BuildingDialog</name>
    <message>
        <source>Edit building</source>
        <translation>修改楼栋</translation>
    </message>
    <message>
        <source>New building</source>
        <translation>新增楼栋</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>The estate and number identify the building.</source>
        <translation>小区名称和楼栋号是楼栋的编号依据，不能修改。</translation>
    </message>
    <message>
        <source>The grid already has building %1: the form now shows it, with what you typed in the fields you filled. Save to update it.</source>
        <translation>本网格已有楼栋“%1”：表中是它的信息，填写过的栏目已换成您输入的内容，保存即更新该楼栋。</translation>
    </message>
    <message>
        <source>The grid already has building %1: the form now shows it.</source>
        <translation>本网格已有楼栋“%1”：表中是它的信息。</translation>
    </message>
    <message>
        <source>单元长: one per unit, e.g. “1单元 李建国；2单元 王芳”.</source>
        <translation>单元长：每个单元一位，如“1单元 李建国；2单元 王芳”。</translation>
    </message>
    <message>
        <source>Only the fields you change are saved and synced. To correct the estate or number, add the right building and delete this one.</source>
        <translation>只保存并同步您修改的字段。小区名称或楼栋号有误时，请新增正确的楼栋，再删除这一栋。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
</context>
<context>
    <name>BuildingViewDialog</name>
    <message>
        <source>Buildings</source>
        <translation>楼栋图</translation>
    </message>
    <message>
        <source>Import buildings…</source>
        <translation>导入楼栋表…</translation>
    </message>
    <message>
        <source>New building…</source>
        <translation>新增楼栋…</translation>
    </message>
    <message>
        <source>Edit building…</source>
        <translation>修改楼栋…</translation>
    </message>
    <message>
        <source>Add flat…</source>
        <translation>新增房屋…</translation>
    </message>
    <message>
        <source>Use not given</source>
        <translation>用途未填</translation>
    </message>
    <message>
        <source>household registered</source>
        <translation>有登记住户</translation>
    </message>
    <message>
        <source>care group</source>
        <translation>关爱对象</translation>
    </message>
    <message>
        <source>red border: visit overdue</source>
        <translation>红框：走访逾期</translation>
    </message>
    <message>
        <source>Import buildings</source>
        <translation>导入楼栋表</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.csv)</source>
        <translation>表格文件 (*.xlsx *.csv)</translation>
    </message>
    <message>
        <source>No building yet</source>
        <translation>还没有楼栋</translation>
    </message>
    <message>
        <source>Import a sheet of buildings and flats: gridworker import FILE --buildings</source>
        <translation>请导入楼栋房屋表（“导入楼栋表…”按钮，或 gridworker import 文件 --buildings）</translation>
    </message>
    <message>
        <source> flats</source>
        <translation>套房屋</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Building head</source>
        <translation>楼栋长</translation>
    </message>
    <message>
        <source>Unit heads</source>
        <translation>单元长</translation>
    </message>
    <message>
        <source>Property company</source>
        <translation>物业公司</translation>
    </message>
    <message>
        <source>Floor %1</source>
        <translation>%1层</translation>
    </message>
    <message>
        <source>Floor unknown</source>
        <translation>楼层不详</translation>
    </message>
    <message>
        <source>%1 flats (%2), %3 households living in them</source>
        <translation>共%1套房屋（%2），住有%3户</translation>
    </message>
    <message>
        <source>overdue %1d</source>
        <translation>逾期%1天</translation>
    </message>
    <message>
        <source>No household registered here</source>
        <translation>没有登记住户</translation>
    </message>
    <message>
        <source>No household is registered in flat %1</source>
        <translation>房屋 %1 没有登记住户</translation>
    </message>
    <message>
        <source>A household lives here…</source>
        <translation>登记住户住在这里…</translation>
    </message>
    <message>
        <source>No longer lives here: %1</source>
        <translation>不再住在这里：%1</translation>
    </message>
    <message>
        <source>A household lives here</source>
        <translation>登记住户</translation>
    </message>
    <message>
        <source>Household no. of the household living in %1:</source>
        <translation>住在 %1 的住户的户号：</translation>
    </message>
    <message>
        <source>Saved; it syncs with the register.</source>
        <translation>已保存，随住户信息同步。</translation>
    </message>
</context>
<context>
    <name>CalendarNotice</name>
    <message>
        <source>%1 open deadline(s) fall in %2, which the working-day calendar does not cover: there only weekends count as days off, holidays do not. Ask the district admin to publish that year&apos;s holidays.</source>
        <translation>有%1个未办结事项的期限落在%2年，工作日历尚未覆盖该年：届时只按周末计休息日，节假日不计。请区管理员发布该年的节假日安排。</translation>
    </message>
    <message>
        <source>The working-day calendar does not cover %1 yet: publish it (gridworker-server set-calendar) once the State Council&apos;s holiday notice is out.</source>
        <translation>工作日历尚未覆盖%1年：国务院节假日通知发布后，请用 gridworker-server set-calendar 发布。</translation>
    </message>
</context>
<context>
    <name>CaseCountdown</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1天</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1小时</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1分钟</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>overdue %1</source>
        <translation>已超时%1</translation>
    </message>
</context>
<context>
    <name>CaseDesk</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1小时%2分</translation>
    </message>
    <message>
        <source>%1 past deadline</source>
        <translation>已超时%1</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>剩余%1</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <source>Working time left</source>
        <translation>剩余工作时间</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>承办部门</translation>
    </message>
</context>
<context>
    <name>CaseDeskScreen</name>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>No case waits in this queue.</source>
        <translation>这个队列里没有待办的事件。</translation>
    </message>
    <message>
        <source>Nothing waiting in this queue.</source>
        <translation>此队列暂无待办案件。</translation>
    </message>
    <message>
        <source>Case desk</source>
        <translation>办件台</translation>
    </message>
    <message>
        <source>Select a case to see its description, photos, place and timeline here.</source>
        <translation>选择一件事件，在此查看描述、照片、地点和办理过程。</translation>
    </message>
    <message>
        <source>Awaiting acceptance</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Extension requests</source>
        <translation>延期申请</translation>
    </message>
    <message>
        <source>Parked</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>Awaiting closing</source>
        <translation>待结案</translation>
    </message>
    <message>
        <source>Note (reason, instructions)</source>
        <translation>办理意见（原因、要求）</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>派遣部门</translation>
    </message>
    <message>
        <source>Grid: %1</source>
        <translation>网格：%1</translation>
    </message>
    <message>
        <source>%1 of %2 cases done</source>
        <translation>共%2件，已办理%1件</translation>
    </message>
</context>
<context>
    <name>CaseDetailView</name>
    <message>
        <source>Print / PDF…</source>
        <translation>打印/导出PDF</translation>
    </message>
    <message>
        <source>Save the case handling sheet as a PDF to print</source>
        <translation>将事件处置单保存为 PDF 以便打印</translation>
    </message>
    <message>
        <source>Case no.</source>
        <translation>事件编号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>上报人</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办理期限</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>承办部门</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Coordinates</source>
        <translation>坐标</translation>
    </message>
    <message>
        <source>No action is yours to take now</source>
        <translation>当前没有需要您办理的操作</translation>
    </message>
    <message>
        <source>Note for the action (optional)</source>
        <translation>办理意见（选填）</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>剩余%1</translation>
    </message>
    <message>
        <source>confidential</source>
        <translation>保密</translation>
    </message>
    <message>
        <source>escalated to the district</source>
        <translation>已升级至区级</translation>
    </message>
    <message>
        <source>extension requested</source>
        <translation>已申请延期</translation>
    </message>
    <message>
        <source>Given at the next sync</source>
        <translation>待编号（同步后由服务器生成）</translation>
    </message>
    <message>
        <source>(no description)</source>
        <translation>（无描述）</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>%1° N, %2° E</source>
        <translation>北纬%1°，东经%2°</translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>派至%1</translation>
    </message>
    <message>
        <source>new deadline %1</source>
        <translation>新期限%1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>No departments are known on this laptop yet: sync, then dispatch.</source>
        <translation>本机暂无职能部门信息：请先同步，再派遣。</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Department to handle the case</source>
        <translation>承办部门：</translation>
    </message>
    <message>
        <source>New deadline</source>
        <translation>新的办理期限</translation>
    </message>
</context>
<context>
    <name>CaseListDialog</name>
    <message>
        <source>%1: %2 cases</source>
        <translation>%1：共%2件</translation>
    </message>
    <message>
        <source>No case.</source>
        <translation>没有事件。</translation>
    </message>
</context>
<context>
    <name>CasesModel</name>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办理期限</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>confidential</source>
        <translation>保密</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>已升级</translation>
    </message>
</context>
<context>
    <name>CasesScreen</name>
    <message>
        <source>All my grids</source>
        <translation>我的全部网格</translation>
    </message>
    <message>
        <source>Search title or place</source>
        <translation>搜索标题或地点</translation>
    </message>
    <message>
        <source>Report a case</source>
        <translation>上报事件</translation>
    </message>
    <message>
        <source>All open</source>
        <translation>全部在办</translation>
    </message>
    <message>
        <source>No case here.</source>
        <translation>这里没有事件。</translation>
    </message>
    <message>
        <source>Pick a case to see its details and actions.</source>
        <translation>选择一个事件，查看详情并办理。</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>%1 shown, scroll for more</source>
        <translation>已显示%1件，滚动加载更多</translation>
    </message>
    <message>
        <source>%1 shown</source>
        <translation>已显示%1件</translation>
    </message>
</context>
<context>
    <name>ChangeGuard</name>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <source>Discard changes?</source>
        <translation>放弃所做的修改？</translation>
    </message>
</context>
<context>
    <name>ChecklistEditorScreen</name>
    <message>
        <source>Publish…</source>
        <translation>发布…</translation>
    </message>
    <message>
        <source>current version %1</source>
        <translation>现行第%1版</translation>
    </message>
    <message>
        <source>Checklist editor</source>
        <translation>检查表编辑</translation>
    </message>
    <message>
        <source>Group / item</source>
        <translation>分组 / 检查项</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Major</source>
        <translation>重大项</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <source>Add group</source>
        <translation>新增分组</translation>
    </message>
    <message>
        <source>Add item</source>
        <translation>新增检查项</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Major item (重大隐患)</source>
        <translation>重大项（重大隐患）</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>When failed</source>
        <translation>不合格时必拍</translation>
    </message>
    <message>
        <source>Always required</source>
        <translation>必须拍照</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Draft of version %1</source>
        <translation>第%1版草稿</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>The draft follows the rules; the preview shows it.</source>
        <translation>草稿符合规则，右侧预览即网格员看到的样子。</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Publishing…</source>
        <translation>正在发布…</translation>
    </message>
    <message>
        <source>Version %1 published; laptops get it at their next sync.</source>
        <translation>第%1版已发布，各电脑下次同步时收到。</translation>
    </message>
    <message>
        <source>Version %1 was already published with this content: nothing changed.</source>
        <translation>第%1版已按相同内容发布过，没有变化。</translation>
    </message>
</context>
<context>
    <name>ClaimDialog</name>
    <message>
        <source>Match the need</source>
        <translation>认领匹配</translation>
    </message>
    <message>
        <source>Resource</source>
        <translation>资源</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>党员</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>Taken on by</source>
        <translation>认领方</translation>
    </message>
    <message>
        <source>The community offers nothing to match yet</source>
        <translation>本社区还没有可认领的资源、项目或党员</translation>
    </message>
</context>
<context>
    <name>CommunityScreen</name>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Needs, resources, projects</source>
        <translation>三单一协议</translation>
    </message>
    <message>
        <source>Volunteer service</source>
        <translation>志愿服务</translation>
    </message>
    <message>
        <source>Community service</source>
        <translation>社区服务</translation>
    </message>
</context>
<context>
    <name>CommunityTabs</name>
    <message>
        <source>No need found on a visit is waiting for the list</source>
        <translation>没有等待列入清单的走访需求</translation>
    </message>
    <message>
        <source>Pick a need still listed</source>
        <translation>请选择一项尚未认领的需求</translation>
    </message>
    <message>
        <source>Pick a claimed need</source>
        <translation>请选择一项已认领的需求</translation>
    </message>
    <message>
        <source>canteen</source>
        <translation>食堂</translation>
    </message>
    <message>
        <source>Edit the agreement</source>
        <translation>修改共建协议</translation>
    </message>
    <message>
        <source>Edit the resource</source>
        <translation>修改资源</translation>
    </message>
    <message>
        <source>Edit the project</source>
        <translation>修改项目</translation>
    </message>
    <message>
        <source>Edit the service station</source>
        <translation>修改邻里之家</translation>
    </message>
    <message>
        <source>Service stations</source>
        <translation>邻里之家</translation>
    </message>
    <message>
        <source>Pick an activity first</source>
        <translation>请先选择一项活动</translation>
    </message>
    <message>
        <source>Pick a volunteer first</source>
        <translation>请先选择一名志愿者</translation>
    </message>
</context>
<context>
    <name>Conflicts</name>
    <message>
        <source>Field conflict</source>
        <translation>字段冲突</translation>
    </message>
    <message>
        <source>Delete conflict</source>
        <translation>删除冲突</translation>
    </message>
    <message>
        <source>Workflow conflict</source>
        <translation>流程冲突</translation>
    </message>
    <message>
        <source>in the register</source>
        <translation>在册</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>not deleted</source>
        <translation>未删除</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>This laptop</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>laptop %1</source>
        <translation>电脑 %1</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Waiting for sync</source>
        <translation>待同步</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Your workflow action on this case</source>
        <translation>您对该事件的办理操作</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>操作人：%1</translation>
    </message>
    <message>
        <source>A visit (%1, %2 by %3) met this person on or after the day %4 recorded their %5 (%6). Keep the server&apos;s value to confirm the %5 (the visit stays in the household&apos;s file), or choose “in the register” to put the person back.</source>
        <translation>%3于%1%2走访时见到了此人，而%4已登记此人于%6%5（走访在这一天或之后）。保留服务器的值即确认%5，走访记录仍留在一户一档中；选择“在册”则此人恢复在册。</translation>
    </message>
    <message>
        <source>Someone acted on the case first: your action no longer applies.</source>
        <translation>他人已先行办理该事件，您的操作不再适用。</translation>
    </message>
    <message>
        <source>Your role may not take this action.</source>
        <translation>您的角色无权执行此操作。</translation>
    </message>
    <message>
        <source>This action needs a photo of the site.</source>
        <translation>此操作须附现场照片。</translation>
    </message>
    <message>
        <source>Someone acted on the task first: your action no longer applies.</source>
        <translation>有人先处理了这项任务：您的操作已不适用。</translation>
    </message>
    <message>
        <source>The server did not say why.</source>
        <translation>服务器未说明原因。</translation>
    </message>
    <message>
        <source>Type the value for “%1”, or choose one side.</source>
        <translation>请输入“%1”的值，或选择一方的值。</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>冲突类型</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>产生时间</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>ConflictsScreen</name>
    <message>
        <source>before: %1</source>
        <translation>原值：%1</translation>
    </message>
    <message>
        <source>(nothing sent from here)</source>
        <translation>（本机未提交）</translation>
    </message>
    <message>
        <source>type a value</source>
        <translation>输入值</translation>
    </message>
    <message>
        <source>Show resolved</source>
        <translation>显示已解决</translation>
    </message>
    <message>
        <source>A conflict means two people changed the same record while apart. Nothing is lost: choose what stays, field by field.</source>
        <translation>冲突是指两人在各自离线时修改了同一条记录。数据不会丢失：请逐个字段选择保留哪个值。</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>No open conflicts: nothing to decide.</source>
        <translation>没有待处理的冲突。</translation>
    </message>
    <message>
        <source>All server values</source>
        <translation>全部采用服务器值</translation>
    </message>
    <message>
        <source>All incoming values</source>
        <translation>全部采用新提交的值</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>解决冲突</translation>
    </message>
    <message>
        <source>This action was refused by the server:</source>
        <translation>服务器拒绝了此操作：</translation>
    </message>
    <message>
        <source>The case keeps the state it has on the server. Acknowledge to close this conflict; if the action is still needed, take it again from the case.</source>
        <translation>该事件保持服务器上的状态。点击“确认”关闭此冲突；如仍需办理，请在事件中重新操作。</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>grid %1</source>
        <translation>网格 %1</translation>
    </message>
    <message>
        <source>The server did not accept your choice: %1</source>
        <translation>服务器没有接受您的选择：%1</translation>
    </message>
    <message>
        <source>One side deleted this record while the other changed it. Keep it deleted, or keep it with the values you choose.</source>
        <translation>一方删除了此记录，另一方修改了它。可保持删除，或按您选择的值保留该记录。</translation>
    </message>
    <message>
        <source>This change was made before the record moved into your grid. Keep the record as it is, take the change, or type the right value.</source>
        <translation>这项修改是在该记录移入您的网格之前做的。可以保持记录现状、采用这项修改，或填写正确的值。</translation>
    </message>
    <message>
        <source>These fields were changed on this laptop and by someone else. For each field, keep the server&apos;s value, yours, or type the right one.</source>
        <translation>这些字段在本机和他人处都被修改过。请为每个字段选择保留服务器的值、本机的值，或输入正确的值。</translation>
    </message>
    <message>
        <source>These fields were changed on two laptops. For each field, keep the server&apos;s value, the incoming one, or type the right one.</source>
        <translation>这些字段在两台电脑上都被修改过。请逐个字段选择保留服务器的值、新提交的值，或填写正确的值。</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Server (kept for now)</source>
        <translation>服务器（暂时保留）</translation>
    </message>
    <message>
        <source>Incoming change</source>
        <translation>新提交的修改</translation>
    </message>
    <message>
        <source>Other value</source>
        <translation>其他值</translation>
    </message>
    <message>
        <source>Resolution waiting for sync: your choice is applied on this laptop and will be sent with the next sync.</source>
        <translation>处理结果待同步：您的选择已在本机生效，将在下次同步时提交。</translation>
    </message>
    <message>
        <source>Resolved.</source>
        <translation>已解决。</translation>
    </message>
</context>
<context>
    <name>CoopTab</name>
    <message>
        <source>List a need</source>
        <translation>发布需求</translation>
    </message>
    <message>
        <source>From a visit…</source>
        <translation>来自走访…</translation>
    </message>
    <message>
        <source>Match…</source>
        <translation>认领匹配…</translation>
    </message>
    <message>
        <source>Mark done…</source>
        <translation>标记完成…</translation>
    </message>
    <message>
        <source>Sign an agreement…</source>
        <translation>签订协议…</translation>
    </message>
    <message>
        <source>Add a resource…</source>
        <translation>新增资源…</translation>
    </message>
    <message>
        <source>Add a project…</source>
        <translation>新增项目…</translation>
    </message>
    <message>
        <source>Lists…</source>
        <translation>清单…</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Listed on</source>
        <translation>发布日期</translation>
    </message>
    <message>
        <source>Taken on by</source>
        <translation>认领方</translation>
    </message>
    <message>
        <source>Done on</source>
        <translation>完成日期</translation>
    </message>
    <message>
        <source>Community: %1 agreement(s), %2 resource(s), %3 project(s)</source>
        <translation>本社区：共建协议 %1 份，资源 %2 项，项目 %3 个</translation>
    </message>
</context>
<context>
    <name>CountsTable</name>
    <message>
        <source>Issued</source>
        <translation>已下发</translation>
    </message>
    <message>
        <source>Signed for</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
</context>
<context>
    <name>DashboardScreen</name>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>统计期间</translation>
    </message>
    <message>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <source>Figures as they stood at the end of an earlier day</source>
        <translation>查看截至往日结束时的统计数据</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Cases received per day</source>
        <translation>每日受理件数</translation>
    </message>
    <message>
        <source>By category</source>
        <translation>按事件类别</translation>
    </message>
    <message>
        <source>By area</source>
        <translation>按区域</translation>
    </message>
    <message>
        <source>No cases in this scope and period.</source>
        <translation>该范围和期间内没有办件。</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>数据看板</translation>
    </message>
    <message>
        <source>Cases received</source>
        <translation>累计办件</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>正在办理</translation>
    </message>
    <message>
        <source>Received today</source>
        <translation>今日办件</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>即将超时</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>Parked</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>本年</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>近30天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>近7天</translation>
    </message>
    <message>
        <source>Could not compute the figures: %1</source>
        <translation>无法统计：%1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <source>Figures as of %1; data as of the last sync %2</source>
        <translation>统计截至 %1；数据截至上次同步 %2</translation>
    </message>
    <message>
        <source>By street</source>
        <translation>按街道（乡镇）</translation>
    </message>
    <message>
        <source>By community</source>
        <translation>按社区（村）</translation>
    </message>
    <message>
        <source>By grid</source>
        <translation>按网格</translation>
    </message>
    <message>
        <source>Everything synced</source>
        <translation>全部已同步数据</translation>
    </message>
</context>
<context>
    <name>DoneDialog</name>
    <message>
        <source>Need done</source>
        <translation>需求完成</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>办理情况</translation>
    </message>
</context>
<context>
    <name>DraftKeeper</name>
    <message>
        <source>Draft of %1 restored</source>
        <translation>已恢复 %1 的草稿</translation>
    </message>
    <message>
        <source>Draft saved %1</source>
        <translation>草稿已保存 %1</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <source>Sign in to GridWorker</source>
        <translation>登录网格通</translation>
    </message>
    <message>
        <source>Sign in once while online. Afterwards GridWorker works offline and opens with your local passphrase.</source>
        <translation>请在联网时登录一次。此后网格通可离线使用，用本机口令打开。</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Local passphrase</source>
        <translation>本机口令</translation>
    </message>
    <message>
        <source>Passphrase again</source>
        <translation>确认口令</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop signing in; a download already started goes on at the next sync</source>
        <translation>停止登录；已经开始的下载会在下次同步时继续</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>very weak</source>
        <translation>很弱</translation>
    </message>
    <message>
        <source>weak</source>
        <translation>弱</translation>
    </message>
    <message>
        <source>fair</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>good</source>
        <translation>较强</translation>
    </message>
    <message>
        <source>strong</source>
        <translation>强</translation>
    </message>
    <message>
        <source>Strength: %1</source>
        <translation>强度：%1</translation>
    </message>
    <message>
        <source>The passphrase needs at least 8 characters.</source>
        <translation>口令至少需要8个字符。</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
    <message>
        <source>Enter your username and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Signing in was stopped. Nothing was kept.</source>
        <translation>已停止登录，本机没有保存任何内容。</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止……</translation>
    </message>
    <message>
        <source>Downloading your grids&apos; data: %1 records</source>
        <translation>正在下载您所辖网格的数据：%1 条</translation>
    </message>
    <message>
        <source>Could not sign in: %1</source>
        <translation>登录失败：%1</translation>
    </message>
    <message>
        <source>The first download was stopped. What arrived is on this laptop; the rest comes with the next sync.</source>
        <translation>首次下载已停止：已下载的数据保存在这台电脑上，其余的会在下次同步时下载。</translation>
    </message>
</context>
<context>
    <name>ExchangeDialog</name>
    <message>
        <source>Exchange points</source>
        <translation>积分兑换</translation>
    </message>
    <message>
        <source>%1 (balance %2 points)</source>
        <translation>%1（现有积分 %2）</translation>
    </message>
    <message>
        <source>Volunteer</source>
        <translation>志愿者</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>兑换物品</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>使用积分</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>兑换站点</translation>
    </message>
    <message>
        <source>Say what was exchanged</source>
        <translation>请填写兑换物品</translation>
    </message>
</context>
<context>
    <name>FlatDialog</name>
    <message>
        <source>Add flat</source>
        <translation>新增房屋</translation>
    </message>
    <message>
        <source>The floor follows from the number when left empty (1502: 15).</source>
        <translation>楼层不填时按房号推算（1502 即 15 层）。</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>新增</translation>
    </message>
</context>
<context>
    <name>GridConflictsPanel</name>
    <message>
        <source>Fetched from the server: needs a connection.</source>
        <translation>从服务器获取，需要联网。</translation>
    </message>
    <message>
        <source>Fetch again</source>
        <translation>重新获取</translation>
    </message>
    <message>
        <source>Resolve on the server</source>
        <translation>提交处理结果</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>冲突字段</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <source>Fetching the conflicts of my grids…</source>
        <translation>正在获取所辖网格的冲突……</translation>
    </message>
    <message>
        <source>%1 open conflicts in the grids I oversee.</source>
        <translation>所辖网格共有%1条待处理冲突。</translation>
    </message>
    <message>
        <source>Could not fetch from the server: %1</source>
        <translation>无法从服务器获取：%1</translation>
    </message>
    <message>
        <source>Choose a conflict to review.</source>
        <translation>请选择要处理的冲突。</translation>
    </message>
    <message>
        <source>Refused action %1 (%2): acknowledging keeps the server&apos;s state.</source>
        <translation>被拒绝的操作 %1（%2）：确认后保持服务器上的状态。</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器值</translation>
    </message>
    <message>
        <source>Incoming</source>
        <translation>上报值</translation>
    </message>
    <message>
        <source>Or type</source>
        <translation>或输入新值</translation>
    </message>
    <message>
        <source>a new value</source>
        <translation>新的值</translation>
    </message>
    <message>
        <source>Resolved. The grid&apos;s laptops get it with their next sync.</source>
        <translation>已解决。该网格的终端下次同步时获取结果。</translation>
    </message>
    <message>
        <source>On this laptop</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Grids I oversee</source>
        <translation>所辖网格</translation>
    </message>
</context>
<context>
    <name>GridMapScreen</name>
    <message>
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <source>Whole district</source>
        <translation>全区</translation>
    </message>
    <message>
        <source>Zoom out to show every grid</source>
        <translation>缩放至显示全部网格</translation>
    </message>
    <message>
        <source>Grid map</source>
        <translation>网格地图</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办事件</translation>
    </message>
    <message>
        <source>Hazards</source>
        <translation>安全隐患</translation>
    </message>
    <message>
        <source>Overdue visits</source>
        <translation>逾期走访</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <source>Hazard sites needing attention</source>
        <translation>需关注的隐患点</translation>
    </message>
    <message>
        <source>Open rectifications</source>
        <translation>未销号整改</translation>
    </message>
    <message>
        <source>Overdue rectifications</source>
        <translation>逾期整改</translation>
    </message>
    <message>
        <source>C/D dangerous buildings</source>
        <translation>C/D级危房</translation>
    </message>
    <message>
        <source>Residents overdue for a visit</source>
        <translation>逾期未走访人员</translation>
    </message>
    <message>
        <source>Households of this grid</source>
        <translation>本网格住户</translation>
    </message>
    <message>
        <source>Cases of this grid</source>
        <translation>本网格事件</translation>
    </message>
    <message>
        <source>Hazards of this grid</source>
        <translation>本网格隐患</translation>
    </message>
    <message>
        <source>Show all grids</source>
        <translation>显示全部网格</translation>
    </message>
    <message>
        <source>Click a grid to see its figures; every screen then shows that grid only. Scroll to zoom, drag to move the map.</source>
        <translation>点击网格查看其数据，其他页面随之只显示该网格。滚动滚轮缩放，拖动平移地图。</translation>
    </message>
    <message>
        <source>No grid boundaries yet: they arrive with the reference data at sync.</source>
        <translation>暂无网格边界：同步时随基础数据下发。</translation>
    </message>
    <message>
        <source>%1 grids drawn; %2 skipped (no or malformed boundary).</source>
        <translation>已绘制 %1 个网格；%2 个因缺少边界或边界数据有误未绘制。</translation>
    </message>
    <message>
        <source>%1 grids</source>
        <translation>共 %1 个网格</translation>
    </message>
    <message>
        <source>No grid selected</source>
        <translation>未选择网格</translation>
    </message>
</context>
<context>
    <name>GuardedDialog</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>GuidanceDialog</name>
    <message>
        <source>New guidance record</source>
        <translation>新增指导记录</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Held at</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Attendees</source>
        <translation>参加人数</translation>
    </message>
    <message>
        <source>Problems raised</source>
        <translation>发现的问题</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>办理情况</translation>
    </message>
    <message>
        <source>Visits and cases taken up</source>
        <translation>关联的走访和事件</translation>
    </message>
    <message>
        <source>Give the record a topic</source>
        <translation>请填写主题</translation>
    </message>
</context>
<context>
    <name>HazardDeskScreen</name>
    <message>
        <source>All grids</source>
        <translation>全部网格</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>C/D</source>
        <translation>C/D级危房</translation>
    </message>
    <message>
        <source>Patrol overdue</source>
        <translation>巡查逾期</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未销号</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>To close out</source>
        <translation>待销号</translation>
    </message>
    <message>
        <source>No grid to show.</source>
        <translation>没有可显示的网格。</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>场所</translation>
    </message>
    <message>
        <source>Item to fix</source>
        <translation>整改事项</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>No rectification is open here.</source>
        <translation>这里没有未销号的整改。</translation>
    </message>
    <message>
        <source>Building</source>
        <translation>房屋</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>危险等级</translation>
    </message>
    <message>
        <source>Appraisal</source>
        <translation>鉴定结论</translation>
    </message>
    <message>
        <source>Last patrol</source>
        <translation>上次巡查</translation>
    </message>
    <message>
        <source>Patrol due</source>
        <translation>应巡查日期</translation>
    </message>
    <message>
        <source>No C/D-grade dangerous building here.</source>
        <translation>这里没有C/D级危房。</translation>
    </message>
    <message>
        <source>Rectifications</source>
        <translation>整改事项</translation>
    </message>
    <message>
        <source>C/D buildings</source>
        <translation>C/D级危房</translation>
    </message>
    <message>
        <source>Hazard desk</source>
        <translation>隐患督办台</translation>
    </message>
    <message>
        <source>Grid %1</source>
        <translation>网格 %1</translation>
    </message>
    <message>
        <source>All my grids</source>
        <translation>我的全部网格</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未巡查</translation>
    </message>
    <message>
        <source> (overdue %1 days)</source>
        <translation>（逾期 %1 天）</translation>
    </message>
    <message>
        <source>%1 open rectifications, %2 overdue; %3 C/D buildings</source>
        <translation>未销号整改 %1 项，其中逾期 %2 项；C/D级危房 %3 处</translation>
    </message>
</context>
<context>
    <name>HazardsScreen</name>
    <message>
        <source>New site</source>
        <translation>新增点位</translation>
    </message>
    <message>
        <source>Pick a site, or add a new one.</source>
        <translation>请选择点位，或新增点位。</translation>
    </message>
    <message>
        <source>Hazards</source>
        <translation>隐患排查</translation>
    </message>
    <message>
        <source>Problem: %1 · deadline %2</source>
        <translation>问题：%1 · 整改期限 %2</translation>
    </message>
</context>
<context>
    <name>HouseholdDialog</name>
    <message>
        <source>New household</source>
        <translation>新增住户</translation>
    </message>
    <message>
        <source>e.g. 凤凰小区3栋2单元501室</source>
        <translation>例：凤凰小区3栋2单元501室</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Relationship</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>人员标签</translation>
    </message>
    <message>
        <source>Add resident…</source>
        <translation>添加居民…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Residents</source>
        <translation>居民</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>登记</translation>
    </message>
    <message>
        <source>This household number is already registered here</source>
        <translation>该网格已登记此户号</translation>
    </message>
</context>
<context>
    <name>HouseholdFileDialog</name>
    <message>
        <source>Household file</source>
        <translation>一户一档</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <source>Flat</source>
        <translation>房屋</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Economy / residence</source>
        <translation>经济/居住</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Relationship</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>人员标签</translation>
    </message>
    <message>
        <source>No member registered.</source>
        <translation>尚无登记成员。</translation>
    </message>
    <message>
        <source>Record, in time order</source>
        <translation>档案记录（按时间）</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>登记人/走访人</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Nothing recorded yet.</source>
        <translation>尚无记录。</translation>
    </message>
    <message>
        <source>Split household…</source>
        <translation>分户…</translation>
    </message>
    <message>
        <source>Merge into another household…</source>
        <translation>并入他户…</translation>
    </message>
    <message>
        <source>Print (PDF)…</source>
        <translation>打印（PDF）…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source> (until %1)</source>
        <translation>（至 %1）</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>在册</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>保存 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
</context>
<context>
    <name>HouseholdsModel</name>
    <message>
        <source>Grid %1</source>
        <translation>网格%1</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
</context>
<context>
    <name>InspectionForm</name>
    <message>
        <source>Kind</source>
        <translation>检查类型</translation>
    </message>
    <message>
        <source>Unanswered yes/no items pass</source>
        <translation>未答的是否项记为合格</translation>
    </message>
    <message>
        <source>Overall note (optional)</source>
        <translation>总体情况（选填）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save inspection</source>
        <translation>保存检查</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Re-inspection</source>
        <translation>复查</translation>
    </message>
    <message>
        <source>Discard this inspection? Its autosaved draft is deleted too.</source>
        <translation>放弃本次检查？自动保存的草稿也将删除。</translation>
    </message>
    <message>
        <source>%1 item(s) not answered: %2</source>
        <translation>%1项未填写：%2</translation>
    </message>
    <message>
        <source>Add a photo for: %1</source>
        <translation>请为以下项目拍照：%1</translation>
    </message>
</context>
<context>
    <name>ItemEditor</name>
    <message>
        <source>major</source>
        <translation>重大</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>A photo is needed for this item</source>
        <translation>此项须拍照</translation>
    </message>
    <message>
        <source>Photo added</source>
        <translation>已添加照片</translation>
    </message>
</context>
<context>
    <name>ItemTermsForm</name>
    <message>
        <source>A failure opens one, due within</source>
        <translation>不合格时开整改单，期限</translation>
    </message>
    <message>
        <source>working days</source>
        <translation>个工作日</translation>
    </message>
    <message>
        <source>working hours</source>
        <translation>个工作小时</translation>
    </message>
    <message>
        <source>the same day</source>
        <translation>当日</translation>
    </message>
    <message>
        <source>Hint</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>more than</source>
        <translation>大于</translation>
    </message>
    <message>
        <source>less than</source>
        <translation>小于</translation>
    </message>
    <message>
        <source>at least</source>
        <translation>不小于</translation>
    </message>
    <message>
        <source>at most</source>
        <translation>不大于</translation>
    </message>
    <message>
        <source>a date older than</source>
        <translation>超期天数</translation>
    </message>
    <message>
        <source>Number items; a symbol such as mm that reads the same: Chinese only</source>
        <translation>数值类检查项填写；中英文相同的符号（如 mm）只填中文</translation>
    </message>
    <message>
        <source>days</source>
        <translation>天（日期类）</translation>
    </message>
    <message>
        <source>Fails when</source>
        <translation>不合格界限</translation>
    </message>
    <message>
        <source>Rectification</source>
        <translation>整改期限</translation>
    </message>
</context>
<context>
    <name>Ledgers</name>
    <message>
        <source>Cases</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Inspections</source>
        <translation>隐患排查</translation>
    </message>
    <message>
        <source>Rectifications</source>
        <translation>整改</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>Residents</source>
        <translation>住户人员</translation>
    </message>
    <message>
        <source>Life events</source>
        <translation>人口变动</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>保存 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
</context>
<context>
    <name>LedgersScreen</name>
    <message>
        <source>Ledgers</source>
        <translation>台账</translation>
    </message>
    <message>
        <source>Scope and period</source>
        <translation>范围和时间段</translation>
    </message>
    <message>
        <source>All my area</source>
        <translation>我的全部辖区</translation>
    </message>
    <message>
        <source>Everything, whatever the date</source>
        <translation>不限日期（全部）</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时间段</translation>
    </message>
    <message>
        <source>Excel ledger (.xlsx)</source>
        <translation>导出 Excel 台账（.xlsx）</translation>
    </message>
    <message>
        <source>Sheets:</source>
        <translation>包含的表：</translation>
    </message>
    <message>
        <source>ID numbers and phones:</source>
        <translation>身份证号和电话：</translation>
    </message>
    <message>
        <source>Masked (recommended)</source>
        <translation>脱敏（推荐）</translation>
    </message>
    <message>
        <source>In full (asks first; logged)</source>
        <translation>完整显示（需确认，记入审计日志）</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <source>Inspection records (PDF)</source>
        <translation>隐患排查记录（PDF）</translation>
    </message>
    <message>
        <source>No inspection in this scope and period.</source>
        <translation>这个范围和期间内没有检查记录。</translation>
    </message>
    <message>
        <source>Inspected</source>
        <translation>检查时间</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>场所</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>检查表</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <source>Failed items</source>
        <translation>不合格项</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Print inspection record (PDF)…</source>
        <translation>打印隐患排查记录（PDF）…</translation>
    </message>
    <message>
        <source>Choose at least one sheet.</source>
        <translation>请至少选择一张表。</translation>
    </message>
    <message>
        <source>The period ends before it starts.</source>
        <translation>截止日期早于起始日期。</translation>
    </message>
    <message>
        <source>Save ledger</source>
        <translation>保存台账</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>Export in full?</source>
        <translation>导出完整信息？</translation>
    </message>
    <message>
        <source>The ledger will hold full ID numbers and phone numbers. Keep the file safe and delete it when done. The export is recorded in the audit log. Continue?</source>
        <translation>台账将包含完整的身份证号码和电话号码。请妥善保管文件，用完及时删除。本次导出将记入审计日志。是否继续？</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2 条</translation>
    </message>
    <message>
        <source>masked</source>
        <translation>已脱敏</translation>
    </message>
    <message>
        <source>in full, logged</source>
        <translation>未脱敏，已记入审计日志</translation>
    </message>
    <message>
        <source>Saved %1 (%2): %3</source>
        <translation>已保存 %1（%2）：%3</translation>
    </message>
    <message>
        <source>The export was cancelled; no file was written.</source>
        <translation>已取消导出，未生成文件。</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在生成…</translation>
    </message>
</context>
<context>
    <name>LifeEventDialog</name>
    <message>
        <source>Life event</source>
        <translation>人口变动</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>变动类型</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>变动日期</translation>
    </message>
    <message>
        <source>To or from</source>
        <translation>迁往/迁自</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>New member&apos;s name</source>
        <translation>新成员姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Relationship to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>登记</translation>
    </message>
    <message>
        <source>Someone new…</source>
        <translation>新成员…</translation>
    </message>
    <message>
        <source>Where to: the person leaves the active register.</source>
        <translation>填写迁往何处：此人将移出在册名单，档案中仍保留记录。</translation>
    </message>
    <message>
        <source>Visits due stop and care tags close; a mistake can be withdrawn.</source>
        <translation>此人的走访提醒停止、关爱标签关闭；登记有误可以撤销。</translation>
    </message>
    <message>
        <source>From where: someone who moved out comes back, or someone new.</source>
        <translation>填写迁自何处：可以是迁出后回来的成员，也可以是新成员。</translation>
    </message>
    <message>
        <source>The person becomes 户主; the previous head becomes 其他.</source>
        <translation>此人成为户主；原户主与户主关系改为“其他”。</translation>
    </message>
    <message>
        <source>Where the person lives now; they stay in the register.</source>
        <translation>填写现居住地：人户分离人员仍在册。</translation>
    </message>
    <message>
        <source>Withdraws a death recorded by mistake: give the reason.</source>
        <translation>撤销误登记的死亡：须填写原因。</translation>
    </message>
    <message>
        <source>The new member is born on the event&apos;s date.</source>
        <translation>新成员的出生日期即变动日期。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>GridWorker — %1</source>
        <translation>网格通 — %1</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Something went wrong in the background: %1. The details are in the log.</source>
        <translation>后台操作出错：%1。详情已写入日志。</translation>
    </message>
    <message>
        <source>GridWorker is locked</source>
        <translation>网格通已锁定</translation>
    </message>
    <message>
        <source>Everything on screen is hidden until you enter your passphrase.</source>
        <translation>输入本机口令之前，屏幕上的所有内容都已隐藏。</translation>
    </message>
    <message>
        <source>Unlock…</source>
        <translation>解锁…</translation>
    </message>
    <message>
        <source>GridWorker (locked)</source>
        <translation>网格通（已锁定）</translation>
    </message>
    <message>
        <source>Not done: %1</source>
        <translation>未完成：%1</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>GridWorker is locked. Enter your passphrase:</source>
        <translation>网格通已锁定，请输入本机口令：</translation>
    </message>
</context>
<context>
    <name>MemberDialog</name>
    <message>
        <source>New reported member</source>
        <translation>新增报到党员</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Work unit</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Its party organization</source>
        <translation>单位党组织</translation>
    </message>
    <message>
        <source>Reported on</source>
        <translation>报到日期</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>特长</translation>
    </message>
    <message>
        <source>Name and work unit are required</source>
        <translation>姓名和工作单位为必填项</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Merge household</source>
        <translation>并户</translation>
    </message>
    <message>
        <source>Household no., head or address</source>
        <translation>户号、户主或地址</translation>
    </message>
    <message>
        <source>Relationship to the new head</source>
        <translation>与新户主关系</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Join household</source>
        <translation>并入的户</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>并入成员</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>并户日期</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Every member of household %1 joins the chosen household, which keeps its head; household %1 is then closed (its history stays). The others&apos; relationships follow the one chosen for their head until you change them.</source>
        <translation>户号%1的全部成员并入所选的户（户主不变）；随后户号%1关闭，其历史记录保留。其他成员与新户主的关系随原户主所选的关系推定，可逐人修改。</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>并户</translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation>— 请选择 —</translation>
    </message>
</context>
<context>
    <name>MyTasksPanel</name>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>No task has been sent to you.</source>
        <translation>没有下发给您的任务。</translation>
    </message>
    <message>
        <source>Tasks (%1)</source>
        <translation>任务（%1）</translation>
    </message>
    <message>
        <source>%1 overdue</source>
        <translation>%1 项逾期</translation>
    </message>
</context>
<context>
    <name>Navigation</name>
    <message>
        <source>My day</source>
        <translation>今日待办</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>数据看板</translation>
    </message>
    <message>
        <source>Case desk</source>
        <translation>事件受理台</translation>
    </message>
    <message>
        <source>Hazard desk</source>
        <translation>隐患督办台</translation>
    </message>
    <message>
        <source>Task desk</source>
        <translation>任务督办</translation>
    </message>
    <message>
        <source>Work statistics</source>
        <translation>工作统计</translation>
    </message>
    <message>
        <source>Grid map</source>
        <translation>网格地图</translation>
    </message>
    <message>
        <source>Ledgers</source>
        <translation>台账</translation>
    </message>
    <message>
        <source>Checklist editor</source>
        <translation>检查表编辑</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>Hazards</source>
        <translation>隐患排查</translation>
    </message>
    <message>
        <source>Party building</source>
        <translation>党建工作</translation>
    </message>
    <message>
        <source>Party-building dashboard</source>
        <translation>党建看板</translation>
    </message>
    <message>
        <source>Community service</source>
        <translation>社区服务</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Notices</source>
        <translation>通知公告</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
</context>
<context>
    <name>NeedCaseDialog</name>
    <message>
        <source>Report as a case</source>
        <translation>上报为事件</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>事件类别</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Give the case a title.</source>
        <translation>请填写事件标题。</translation>
    </message>
</context>
<context>
    <name>NeedDialog</name>
    <message>
        <source>List a need</source>
        <translation>发布需求</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>For whom</source>
        <translation>服务对象</translation>
    </message>
    <message>
        <source>Say what is needed</source>
        <translation>请填写需求</translation>
    </message>
</context>
<context>
    <name>NeedsEditor</name>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>Solved</source>
        <translation>当场解决</translation>
    </message>
    <message>
        <source>Follow up on</source>
        <translation>跟进日期</translation>
    </message>
    <message>
        <source>What does the household need?</source>
        <translation>住户有什么需求？</translation>
    </message>
</context>
<context>
    <name>NewSiteDialog</name>
    <message>
        <source>New hazard site</source>
        <translation>新增隐患点位</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>隐患类型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Premises type</source>
        <translation>场所类型</translation>
    </message>
    <message>
        <source>Danger grade</source>
        <translation>危险性等级</translation>
    </message>
    <message>
        <source>Appraisal</source>
        <translation>鉴定结论</translation>
    </message>
    <message>
        <source>Responsible person</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Give the site a name</source>
        <translation>请填写点位名称</translation>
    </message>
    <message>
        <source>A dangerous building needs its grade (A–D)</source>
        <translation>危房须填写危险性等级（A–D）</translation>
    </message>
</context>
<context>
    <name>NoticeReader</name>
    <message>
        <source>Mark read</source>
        <translation>标为已读</translation>
    </message>
    <message>
        <source>Save files…</source>
        <translation>保存附件…</translation>
    </message>
    <message>
        <source>%1 · published by %2</source>
        <translation>%1 · 发布人 %2</translation>
    </message>
    <message>
        <source>%1 files</source>
        <translation>%1 个附件</translation>
    </message>
    <message>
        <source>Save the notice&apos;s files in</source>
        <translation>将通知的附件保存到</translation>
    </message>
    <message>
        <source>%1 files saved in %2</source>
        <translation>已保存 %1 个附件到 %2</translation>
    </message>
    <message>
        <source>%1 not downloaded yet (the next sync brings them)</source>
        <translation>%1 个尚未下载（下次同步时取回）</translation>
    </message>
</context>
<context>
    <name>NoticesScreen</name>
    <message>
        <source>Publish a notice…</source>
        <translation>发布通知…</translation>
    </message>
    <message>
        <source>Read by grid</source>
        <translation>各网格已读情况</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Read / workers</source>
        <translation>已读 / 网格员</translation>
    </message>
    <message>
        <source>Not read yet</source>
        <translation>尚未阅读</translation>
    </message>
    <message>
        <source>Notices</source>
        <translation>通知公告</translation>
    </message>
</context>
<context>
    <name>OffersDialog</name>
    <message>
        <source>Agreements, resources and projects</source>
        <translation>共建协议、资源清单和项目清单</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Resource</source>
        <translation>资源</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Service station</source>
        <translation>邻里之家</translation>
    </message>
    <message>
        <source>List</source>
        <translation>清单</translation>
    </message>
    <message>
        <source>Kind / status</source>
        <translation>类型 / 状态</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Withdraw…</source>
        <translation>撤销…</translation>
    </message>
    <message>
        <source>Save the document…</source>
        <translation>保存协议文本…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Save the document in</source>
        <translation>将协议文本保存到</translation>
    </message>
    <message>
        <source>%1 files saved in %2</source>
        <translation>已保存 %1 个附件到 %2</translation>
    </message>
    <message>
        <source>%1 not downloaded yet (the next sync brings them)</source>
        <translation>%1 个尚未下载（下次同步时取回）</translation>
    </message>
</context>
<context>
    <name>OrgDialog</name>
    <message>
        <source>Party organization</source>
        <translation>网格党组织</translation>
    </message>
    <message>
        <source>Register the organization</source>
        <translation>登记网格党组织</translation>
    </message>
    <message>
        <source>codes of further grids, comma-separated</source>
        <translation>覆盖的其他网格编码，用逗号分隔</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>组织名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>组织类型</translation>
    </message>
    <message>
        <source>Secretary</source>
        <translation>书记（组长）</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>党员人数</translation>
    </message>
    <message>
        <source>Other grids covered</source>
        <translation>覆盖的其他网格</translation>
    </message>
    <message>
        <source>Name the organization</source>
        <translation>请填写组织名称</translation>
    </message>
</context>
<context>
    <name>Panel</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>PartyBoardScreen</name>
    <message>
        <source>Monthly report (PDF)…</source>
        <translation>月报（PDF）…</translation>
    </message>
    <message>
        <source>Ledger (Excel)…</source>
        <translation>党建台账（Excel）…</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Needs this month</source>
        <translation>本月需求</translation>
    </message>
    <message>
        <source>Service hours by area</source>
        <translation>分区域服务时长（小时）</translation>
    </message>
    <message>
        <source>Guidance records by area</source>
        <translation>分区域指导记录</translation>
    </message>
    <message>
        <source>Nothing in this scope and month.</source>
        <translation>该范围本月没有数据。</translation>
    </message>
    <message>
        <source>By area</source>
        <translation>分区域</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Advisers this month</source>
        <translation>本月党建指导员工作</translation>
    </message>
    <message>
        <source>Adviser</source>
        <translation>指导员</translation>
    </message>
    <message>
        <source>Grids</source>
        <translation>驻点网格</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>指导记录</translation>
    </message>
    <message>
        <source>Attendees</source>
        <translation>参加人数</translation>
    </message>
    <message>
        <source>Taken up</source>
        <translation>关联走访/事件</translation>
    </message>
    <message>
        <source>Party-building dashboard</source>
        <translation>党建看板</translation>
    </message>
    <message>
        <source>Save the monthly report</source>
        <translation>保存党建月报</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Save the ledger</source>
        <translation>保存党建台账</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>Party monthly report</source>
        <translation>党建月报</translation>
    </message>
    <message>
        <source>Party ledger</source>
        <translation>党建台账</translation>
    </message>
    <message>
        <source>Written: %1</source>
        <translation>已写入：%1</translation>
    </message>
</context>
<context>
    <name>PartyScreen</name>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Organization…</source>
        <translation>党组织信息…</translation>
    </message>
    <message>
        <source>Station an adviser…</source>
        <translation>派驻指导员…</translation>
    </message>
    <message>
        <source>Party organization</source>
        <translation>网格党组织</translation>
    </message>
    <message>
        <source>Advisers stationed here</source>
        <translation>驻点党建指导员</translation>
    </message>
    <message>
        <source>Held at</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Adviser</source>
        <translation>指导员</translation>
    </message>
    <message>
        <source>Attendees</source>
        <translation>参加人数</translation>
    </message>
    <message>
        <source>Taken up</source>
        <translation>关联走访/事件</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Work unit</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Reported on</source>
        <translation>报到日期</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>特长</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>服务次数</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>服务时长（小时）</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>指导记录</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>双报到党员</translation>
    </message>
    <message>
        <source>Needs, resources, projects</source>
        <translation>三单一协议</translation>
    </message>
    <message>
        <source>Volunteer service</source>
        <translation>志愿服务</translation>
    </message>
    <message>
        <source>Party building</source>
        <translation>党建工作</translation>
    </message>
    <message>
        <source>Add guidance record</source>
        <translation>新增指导记录</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>新增报到党员</translation>
    </message>
    <message>
        <source>Add service record</source>
        <translation>登记服务记录</translation>
    </message>
    <message>
        <source>No grid to show.</source>
        <translation>没有可显示的网格。</translation>
    </message>
    <message>
        <source>%1 since %2</source>
        <translation>%1（%2起）</translation>
    </message>
    <message>
        <source>My stationing: </source>
        <translation>我的驻点：</translation>
    </message>
    <message>
        <source>No party organization is registered for this grid.</source>
        <translation>本网格尚未登记党组织。</translation>
    </message>
    <message>
        <source>%1 (%2) · secretary %3 · %4 members · covers %5 grid(s)</source>
        <translation>%1（%2）· 书记 %3 · 党员 %4 人 · 覆盖 %5 个网格</translation>
    </message>
    <message>
        <source> since %1</source>
        <translation> %1起驻点</translation>
    </message>
    <message>
        <source>No adviser is stationed here.</source>
        <translation>本网格暂无驻点党建指导员。</translation>
    </message>
    <message>
        <source>Pick a member first</source>
        <translation>请先选择一名党员</translation>
    </message>
</context>
<context>
    <name>PhotoStrip</name>
    <message>
        <source>+ Photo</source>
        <translation>+ 照片</translation>
    </message>
    <message>
        <source>Add photo…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <source>Pick photo files</source>
        <translation>选择照片文件</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Paste a photo from the clipboard</source>
        <translation>从剪贴板粘贴照片</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Evidence photos keep their GPS location; other photos lose it</source>
        <translation>证据照片保留GPS位置信息，其他照片将去除位置信息</translation>
    </message>
    <message>
        <source>Add photos</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <source>Photos (%1)</source>
        <translation>照片 (%1)</translation>
    </message>
    <message>
        <source>The clipboard holds no picture</source>
        <translation>剪贴板中没有图片</translation>
    </message>
    <message>
        <source>pasted</source>
        <translation>粘贴的图片</translation>
    </message>
    <message>
        <source>Waiting for upload</source>
        <translation>等待上传</translation>
    </message>
    <message>
        <source>Waiting for download</source>
        <translation>等待下载</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>taken on another laptop and not uploaded yet</source>
        <translation>在另一台电脑上拍摄，尚未上传</translation>
    </message>
    <message>
        <source>evidence (location kept)</source>
        <translation>证据（保留位置）</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一张</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一张 ▶</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <source>Waiting for download</source>
        <translation>等待下载</translation>
    </message>
    <message>
        <source>evidence (location kept)</source>
        <translation>证据照片（保留位置）</translation>
    </message>
    <message>
        <source>This file is not a picture that can be shown</source>
        <translation>这个文件不是可以显示的图片</translation>
    </message>
</context>
<context>
    <name>ProjectDialog</name>
    <message>
        <source>Add a project</source>
        <translation>新增项目</translation>
    </message>
    <message>
        <source>until</source>
        <translation>截止</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <source>Partners</source>
        <translation>共建单位</translation>
    </message>
    <message>
        <source>Runs from</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>项目说明</translation>
    </message>
    <message>
        <source>Name the project and its partners</source>
        <translation>请填写项目名称和共建单位</translation>
    </message>
</context>
<context>
    <name>PromoteDialog</name>
    <message>
        <source>Need from a visit</source>
        <translation>走访需求列入清单</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
</context>
<context>
    <name>PublishDialog</name>
    <message>
        <source>Publish a notice</source>
        <translation>发布通知</translation>
    </message>
    <message>
        <source>district, street, community or grid code</source>
        <translation>区、街道、社区或网格编码</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>发布范围</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Must be read</source>
        <translation>必读</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加附件…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>发布</translation>
    </message>
    <message>
        <source>Files of the notice</source>
        <translation>通知的附件</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
</context>
<context>
    <name>RecordEditDialog</name>
    <message>
        <source>Edit household</source>
        <translation>编辑住户</translation>
    </message>
    <message>
        <source>Edit resident</source>
        <translation>编辑居民</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>人员标签</translation>
    </message>
    <message>
        <source>Needed only when a tag is removed</source>
        <translation>仅在移除标签时填写</translation>
    </message>
    <message>
        <source>Why a tag is removed</source>
        <translation>移除标签的原因</translation>
    </message>
    <message>
        <source>Numbers are shown masked; “Show full” asks for a reason and logs it. Only the fields you change are saved and synced.</source>
        <translation>号码以脱敏形式显示；点“显示完整”须填写原因并记入审计日志。只保存并同步您改动的字段。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Follows from the ID number</source>
        <translation>由身份证号码得出</translation>
    </message>
    <message>
        <source>Show full…</source>
        <translation>显示完整…</translation>
    </message>
    <message>
        <source>Verify identity on a visit</source>
        <translation>走访时核实身份</translation>
    </message>
    <message>
        <source>Apply for a benefit or service for the resident</source>
        <translation>为居民代办救助或服务申请</translation>
    </message>
    <message>
        <source>Contact the resident</source>
        <translation>联系居民</translation>
    </message>
    <message>
        <source>Correct the register</source>
        <translation>更正登记信息</translation>
    </message>
    <message>
        <source>Show full number</source>
        <translation>显示完整号码</translation>
    </message>
    <message>
        <source>Why do you need %1 of %2? The reason is logged.</source>
        <translation>为什么需要查看%2的%1？原因将记入审计日志。</translation>
    </message>
</context>
<context>
    <name>RectificationPanel</name>
    <message>
        <source>No rectification at this site.</source>
        <translation>这个点位没有整改事项。</translation>
    </message>
    <message>
        <source>Measures taken</source>
        <translation>整改措施</translation>
    </message>
    <message>
        <source>Mark rectified</source>
        <translation>标记已整改</translation>
    </message>
    <message>
        <source>Re-inspect</source>
        <translation>复查</translation>
    </message>
    <message>
        <source>Close out (销号)</source>
        <translation>销号</translation>
    </message>
</context>
<context>
    <name>RectificationReview</name>
    <message>
        <source>Choose a rectification in the list to review it.</source>
        <translation>在左侧列表中选择一项整改，查看详情并审核。</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Item to fix</source>
        <translation>整改事项</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Responsible person</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Measures taken</source>
        <translation>整改措施</translation>
    </message>
    <message>
        <source>Inspection that found it</source>
        <translation>发现问题的检查</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>No photo before the fix</source>
        <translation>无整改前照片</translation>
    </message>
    <message>
        <source>No photo after the fix yet</source>
        <translation>尚无整改后照片</translation>
    </message>
    <message>
        <source>Add photo after the fix…</source>
        <translation>上传整改后照片…</translation>
    </message>
    <message>
        <source>Before the fix</source>
        <translation>整改前</translation>
    </message>
    <message>
        <source>After the fix</source>
        <translation>整改后</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Re-inspected: fixed</source>
        <translation>复查通过</translation>
    </message>
    <message>
        <source>You checked the reported fix on site and it holds</source>
        <translation>已现场复查，整改到位</translation>
    </message>
    <message>
        <source>Close out on</source>
        <translation>销号依据</translation>
    </message>
    <message>
        <source>Close out</source>
        <translation>销号</translation>
    </message>
    <message>
        <source>Why it is not fixed (required to refuse)</source>
        <translation>退回理由（必填）</translation>
    </message>
    <message>
        <source>New deadline</source>
        <translation>重新限期</translation>
    </message>
    <message>
        <source>Refuse: fix again</source>
        <translation>退回重新整改</translation>
    </message>
    <message>
        <source> (overdue %1 days)</source>
        <translation>（已逾期 %1 天）</translation>
    </message>
    <message>
        <source>Re-inspection recorded: awaiting close-out</source>
        <translation>复查已记录，待销号</translation>
    </message>
    <message>
        <source>Close out “%1” at %2 on the basis “%3”? A closed-out item cannot be reopened.</source>
        <translation>确定以“%3”为依据，将%2的“%1”销号吗？销号后不能撤回。</translation>
    </message>
    <message>
        <source>Closed out: %1 (%2)</source>
        <translation>已销号：%1（%2）</translation>
    </message>
    <message>
        <source>Sent back to be fixed again</source>
        <translation>已退回重新整改</translation>
    </message>
    <message>
        <source>Photos after the fix</source>
        <translation>整改后照片</translation>
    </message>
    <message>
        <source>Photo added</source>
        <translation>照片已上传</translation>
    </message>
</context>
<context>
    <name>RectificationsModel</name>
    <message>
        <source>Item</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>整改措施</translation>
    </message>
    <message>
        <source>%1 (overdue)</source>
        <translation>%1（已逾期）</translation>
    </message>
</context>
<context>
    <name>RefusedChanges</name>
    <message>
        <source>New record</source>
        <translation>新增记录</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Workflow action</source>
        <translation>办理操作</translation>
    </message>
    <message>
        <source>Not accepted (%1)</source>
        <translation>未被接受的修改 (%1)</translation>
    </message>
</context>
<context>
    <name>RefusedChangesPanel</name>
    <message>
        <source>The server did not take these changes. The records show the server&apos;s values; what you entered is kept here to read. Dismiss a change once you are done.</source>
        <translation>服务器没有接受以下修改。相关记录显示的是服务器上的值；您填写的内容保留在这里以便查看。看过后可以移除。</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>修改时间</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Nothing refused: every change was taken.</source>
        <translation>没有未被接受的修改：所有修改都已被服务器接受。</translation>
    </message>
</context>
<context>
    <name>RegisterEditing</name>
    <message>
        <source>Edit household…</source>
        <translation>编辑住户…</translation>
    </message>
    <message>
        <source>Edit resident…</source>
        <translation>编辑居民…</translation>
    </message>
    <message>
        <source>Life event…</source>
        <translation>人口变动…</translation>
    </message>
    <message>
        <source>Household file…</source>
        <translation>一户一档…</translation>
    </message>
    <message>
        <source>Split household…</source>
        <translation>分户…</translation>
    </message>
    <message>
        <source>Merge into another household…</source>
        <translation>并入他户…</translation>
    </message>
    <message>
        <source>Household %1 merged; it syncs with the households.</source>
        <translation>户号%1已并户，将随住户一起同步。</translation>
    </message>
    <message>
        <source>Split from household %1; it syncs with the households.</source>
        <translation>已从户号%1分户，将随住户一起同步。</translation>
    </message>
    <message>
        <source>Recorded; it syncs with the household.</source>
        <translation>已登记，将随本户一起同步。</translation>
    </message>
    <message>
        <source>Select a resident first.</source>
        <translation>请先选择一位居民。</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>没有改动。</translation>
    </message>
    <message>
        <source>Saved %1 change(s); they sync field by field.</source>
        <translation>已保存 %1 项修改，将逐项同步。</translation>
    </message>
</context>
<context>
    <name>RegisterScreen</name>
    <message>
        <source>All my grids</source>
        <translation>我的全部网格</translation>
    </message>
    <message>
        <source>All tags</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <source>Search name, address or household no.</source>
        <translation>搜索姓名、地址或户号</translation>
    </message>
    <message>
        <source>New household</source>
        <translation>新增住户</translation>
    </message>
    <message>
        <source>Import roster…</source>
        <translation>导入花名册…</translation>
    </message>
    <message>
        <source>Buildings…</source>
        <translation>楼栋图…</translation>
    </message>
    <message>
        <source>Select a household to see its residents.</source>
        <translation>选择住户以查看家庭成员。</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Economy / residence</source>
        <translation>经济/居住</translation>
    </message>
    <message>
        <source>Moved out / died</source>
        <translation>迁出/死亡</translation>
    </message>
    <message>
        <source>Add resident…</source>
        <translation>添加居民…</translation>
    </message>
    <message>
        <source>Record a visit</source>
        <translation>记录走访</translation>
    </message>
    <message>
        <source>No resident registered in this household yet.</source>
        <translation>这一户还没有登记居民。</translation>
    </message>
    <message>
        <source>Show full ID number…</source>
        <translation>查看完整身份证号码…</translation>
    </message>
    <message>
        <source>Show full phone…</source>
        <translation>查看完整电话…</translation>
    </message>
    <message>
        <source>Viewing a full number is logged with your reason.</source>
        <translation>查看完整号码将连同理由一并记录。</translation>
    </message>
    <message>
        <source>Recent visits</source>
        <translation>近期走访</translation>
    </message>
    <message>
        <source>No visit yet.</source>
        <translation>还没有走访记录。</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <source>No household matches the filter.</source>
        <translation>没有符合筛选条件的住户。</translation>
    </message>
    <message>
        <source>No household registered yet: add one with “New household”.</source>
        <translation>还没有登记住户：点击“新增住户”登记。</translation>
    </message>
    <message>
        <source>%1 shown, scroll for more</source>
        <translation>已显示%1户，滚动加载更多</translation>
    </message>
    <message>
        <source>%1 shown</source>
        <translation>已显示%1户</translation>
    </message>
    <message>
        <source>Select a resident first.</source>
        <translation>请先选择居民。</translation>
    </message>
    <message>
        <source>the ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <source>the phone number</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Verify identity on a visit</source>
        <translation>走访时核实身份</translation>
    </message>
    <message>
        <source>Apply for a benefit or service for the resident</source>
        <translation>为居民代办补贴或服务</translation>
    </message>
    <message>
        <source>Contact the resident</source>
        <translation>联系居民</translation>
    </message>
    <message>
        <source>Show full number</source>
        <translation>查看完整号码</translation>
    </message>
    <message>
        <source>Why do you need %1 of %2? The reason is logged.</source>
        <translation>为何需要查看%2的%1？查看理由将被记录。</translation>
    </message>
    <message>
        <source>Shown in full; this view was logged.</source>
        <translation>已完整显示，本次查看已记录。</translation>
    </message>
    <message>
        <source>Registered. The list&apos;s filter was cleared so that it shows there.</source>
        <translation>已登记。为了在列表中显示它，已清除列表的筛选条件。</translation>
    </message>
    <message>
        <source>Registered.</source>
        <translation>已登记。</translation>
    </message>
</context>
<context>
    <name>RelationshipTable</name>
    <message>
        <source>Member</source>
        <translation>成员</translation>
    </message>
</context>
<context>
    <name>ReportForm</name>
    <message>
        <source>Report a case</source>
        <translation>上报事件</translation>
    </message>
    <message>
        <source>What happened, who is affected, since when</source>
        <translation>发生了什么、涉及哪些人、从何时开始</translation>
    </message>
    <message>
        <source>Place or address</source>
        <translation>地点或地址</translation>
    </message>
    <message>
        <source>Confidential (保密)</source>
        <translation>保密</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Subcategory</source>
        <translation>子类别</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save as draft</source>
        <translation>存为草稿</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Discard this report? Its autosaved draft is deleted too.</source>
        <translation>放弃本次上报？自动保存的草稿也将删除。</translation>
    </message>
    <message>
        <source>Give the case a title</source>
        <translation>请填写事件标题</translation>
    </message>
    <message>
        <source>Choose the grid</source>
        <translation>请选择网格</translation>
    </message>
</context>
<context>
    <name>ResidentDialog</name>
    <message>
        <source>Resident</source>
        <translation>居民</translation>
    </message>
    <message>
        <source>18 characters; gender and birth date follow</source>
        <translation>18位，自动识别性别和出生日期</translation>
    </message>
    <message>
        <source>From the ID number</source>
        <translation>按身份证号码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Relationship to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>人员标签</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
</context>
<context>
    <name>ResidentsModel</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Relationship</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>人员标签</translation>
    </message>
</context>
<context>
    <name>ResourceDialog</name>
    <message>
        <source>Add a resource</source>
        <translation>新增资源</translation>
    </message>
    <message>
        <source>Offered by</source>
        <translation>提供单位</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>What</source>
        <translation>资源内容</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Say who offers what</source>
        <translation>请填写提供单位和资源内容</translation>
    </message>
</context>
<context>
    <name>RosterImportDialog</name>
    <message>
        <source>Import a roster</source>
        <translation>导入花名册</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>A roster (.xlsx or .csv) or an export</source>
        <translation>花名册（.xlsx 或 .csv）或导出文件</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Area code for local numbers</source>
        <translation>本地号码区号</translation>
    </message>
    <message>
        <source>One-digit relationship codes</source>
        <translation>一位数关系代码</translation>
    </message>
    <message>
        <source>Ask (report them)</source>
        <translation>不确定（逐条报告）</translation>
    </message>
    <message>
        <source>GB/T 4761 classes</source>
        <translation>GB/T 4761 大类</translation>
    </message>
    <message>
        <source>Census form (R601)</source>
        <translation>人口普查表（R601）</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Choose a file and check it: nothing is written yet.</source>
        <translation>选择文件后先检查：检查时不会写入任何数据。</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Header</source>
        <translation>列名</translation>
    </message>
    <message>
        <source>Imported as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <source>Refused lines and values left out</source>
        <translation>被拒绝的行和未导入的值</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Choose a roster</source>
        <translation>选择花名册</translation>
    </message>
    <message>
        <source>Rosters (*.xlsx *.csv *.jsonl)</source>
        <translation>花名册 (*.xlsx *.csv *.jsonl)</translation>
    </message>
    <message>
        <source>Choose a file first.</source>
        <translation>请先选择文件。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>The file was not imported.</source>
        <translation>文件未导入。</translation>
    </message>
    <message>
        <source>Checked, nothing written: %1 of %2 lines can be imported (%3 households, %4 people; new: %5 households, %6 people); %7 refused, %8 values left out.</source>
        <translation>已检查，未写入：共%2行，可导入%1行（%3户，%4人；其中新增%5户、%6人）；拒绝%7行，%8个值未导入。</translation>
    </message>
    <message>
        <source>Imported %1 of %2 lines (%3 households, %4 people; new: %5 households, %6 people); %7 refused, %8 values left out.</source>
        <translation>已导入：共%2行，导入%1行（%3户，%4人；其中新增%5户、%6人）；拒绝%7行，%8个值未导入。</translation>
    </message>
    <message>
        <source>The header is on line %1.</source>
        <translation>表头在第%1行。</translation>
    </message>
    <message>
        <source>Sheets not read: %1</source>
        <translation>未导入的工作表：%1</translation>
    </message>
    <message>
        <source>not imported: %1</source>
        <translation>未导入：%1</translation>
    </message>
    <message>
        <source>refused: %1</source>
        <translation>拒绝：%1</translation>
    </message>
    <message>
        <source>%1; the person was imported without it</source>
        <translation>%1；该人已导入，此项留空</translation>
    </message>
</context>
<context>
    <name>ServiceDialog</name>
    <message>
        <source>New service record</source>
        <translation>登记服务记录</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>党员</translation>
    </message>
    <message>
        <source>Served on</source>
        <translation>服务日期</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>服务内容</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>服务时长（小时）</translation>
    </message>
    <message>
        <source>People served</source>
        <translation>服务人数</translation>
    </message>
    <message>
        <source>Say what the service was</source>
        <translation>请填写服务内容</translation>
    </message>
</context>
<context>
    <name>ServiceStationDialog</name>
    <message>
        <source>Register a service station</source>
        <translation>登记邻里之家</translation>
    </message>
    <message>
        <source>e.g. reading room, TCM therapy</source>
        <translation>如：阅览室、中医理疗</translation>
    </message>
    <message>
        <source>Community canteen</source>
        <translation>设社区食堂</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>服务项目</translation>
    </message>
    <message>
        <source>Opening hours</source>
        <translation>开放时间</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Name the station</source>
        <translation>请填写邻里之家名称</translation>
    </message>
</context>
<context>
    <name>SettleDialog</name>
    <message>
        <source>Settle an overdrawn exchange</source>
        <translation>核实处理超额兑换</translation>
    </message>
    <message>
        <source>%1: %2, %3 points on %4</source>
        <translation>%1：%2，%3 分（%4）</translation>
    </message>
    <message>
        <source>recovered, written off, made up next month…</source>
        <translation>已追回、站点核销、下月活动补足……</translation>
    </message>
    <message>
        <source>Exchange</source>
        <translation>兑换记录</translation>
    </message>
    <message>
        <source>Settlement</source>
        <translation>核实处理</translation>
    </message>
    <message>
        <source>Say how it was settled</source>
        <translation>请说明如何处理</translation>
    </message>
</context>
<context>
    <name>SiteList</name>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>All my grids</source>
        <translation>我的全部网格</translation>
    </message>
    <message>
        <source>Search name or address</source>
        <translation>搜索名称或地址</translation>
    </message>
    <message>
        <source>No site matches: add one with “New site”.</source>
        <translation>没有符合条件的点位：点击“新增点位”添加。</translation>
    </message>
</context>
<context>
    <name>SitePanel</name>
    <message>
        <source>New inspection</source>
        <translation>新建检查</translation>
    </message>
    <message>
        <source>Rectifications</source>
        <translation>整改</translation>
    </message>
    <message>
        <source>Inspections</source>
        <translation>检查记录</translation>
    </message>
    <message>
        <source>Print record / PDF…</source>
        <translation>打印排查记录/PDF…</translation>
    </message>
    <message>
        <source>Save the selected (or latest) inspection&apos;s record as a PDF to print</source>
        <translation>将选中（或最近一次）的排查记录保存为PDF以便打印</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>检查类型</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查人</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Failed items</source>
        <translation>不合格项</translation>
    </message>
    <message>
        <source>responsible: %1</source>
        <translation>责任人：%1</translation>
    </message>
    <message>
        <source>grid %1</source>
        <translation>网格 %1</translation>
    </message>
    <message>
        <source>Inspection saved: %1</source>
        <translation>检查已保存：%1</translation>
    </message>
    <message>
        <source>Rectification %1 is now: %2</source>
        <translation>整改项 %1 当前状态：%2</translation>
    </message>
    <message>
        <source>Rectification opened: %1 %2 — deadline %3</source>
        <translation>已发起整改：%1 %2，整改期限 %3</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
</context>
<context>
    <name>SitesModel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未销号</translation>
    </message>
    <message>
        <source>Last inspected</source>
        <translation>上次检查</translation>
    </message>
    <message>
        <source>Rectifications not closed out yet</source>
        <translation>尚未销号的整改项</translation>
    </message>
    <message>
        <source>%1 (%2 overdue)</source>
        <translation>%1（逾期%2）</translation>
    </message>
</context>
<context>
    <name>SplitDialog</name>
    <message>
        <source>Split household</source>
        <translation>分户</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Same as now: %1</source>
        <translation>同原户：%1</translation>
    </message>
    <message>
        <source>Not in a registered flat</source>
        <translation>不住在已登记的房屋</translation>
    </message>
    <message>
        <source>Relationship to the new head</source>
        <translation>与新户主关系</translation>
    </message>
    <message>
        <source>Members who leave</source>
        <translation>分出的成员</translation>
    </message>
    <message>
        <source>Head of the new household</source>
        <translation>新户户主</translation>
    </message>
    <message>
        <source>New household&apos;s members</source>
        <translation>新户成员</translation>
    </message>
    <message>
        <source>New household no.</source>
        <translation>新户户号</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Flat</source>
        <translation>居住房屋</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>分户日期</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>The members ticked form a new household of the grid; the head stays (record a change of head first). Check each one&apos;s relationship to the new head.</source>
        <translation>勾选的成员在本网格另立新户；户主不能分出（请先办理户主变更）。请核对每人与新户主的关系。</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>分户</translation>
    </message>
</context>
<context>
    <name>StationDialog</name>
    <message>
        <source>Station an adviser</source>
        <translation>派驻党建指导员</translation>
    </message>
    <message>
        <source>their account, when they have one</source>
        <translation>指导员的账号（如有）</translation>
    </message>
    <message>
        <source>Adviser</source>
        <translation>指导员姓名</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Sent by</source>
        <translation>派出单位</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Stationed since</source>
        <translation>驻点日期</translation>
    </message>
    <message>
        <source>Name the adviser</source>
        <translation>请填写指导员姓名</translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last sync</source>
        <translation>上次同步</translation>
    </message>
    <message>
        <source>Pending changes</source>
        <translation>待同步的修改</translation>
    </message>
    <message>
        <source>Refused by the server</source>
        <translation>被服务器拒绝</translation>
    </message>
    <message>
        <source>Open conflicts</source>
        <translation>待处理冲突</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>not enrolled: this profile works offline</source>
        <translation>未登录服务器：本机仅离线使用</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>sync started</source>
        <translation>开始同步</translation>
    </message>
    <message>
        <source>sending changes</source>
        <translation>发送变更</translation>
    </message>
    <message>
        <source>receiving changes</source>
        <translation>接收变更</translation>
    </message>
    <message>
        <source>uploading photos</source>
        <translation>上传照片</translation>
    </message>
    <message>
        <source>downloading photos</source>
        <translation>下载照片</translation>
    </message>
    <message>
        <source>finishing</source>
        <translation>收尾</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1：%2 / %3</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>sent %1, received %2, conflicts %3, refused %4</source>
        <translation>发送%1条，接收%2条，冲突%3条，被拒%4条</translation>
    </message>
</context>
<context>
    <name>SyncStatusBar</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Show all my grids again</source>
        <translation>重新显示我的全部网格</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>上次同步：%1</translation>
    </message>
    <message>
        <source>Pending changes: %1</source>
        <translation>待同步的修改：%1</translation>
    </message>
    <message>
        <source>Open conflicts: %1</source>
        <translation>待处理冲突：%1</translation>
    </message>
    <message>
        <source>● Not enrolled (offline profile)</source>
        <translation>● 未登录服务器（仅离线使用）</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● 在线</translation>
    </message>
    <message>
        <source>● Offline</source>
        <translation>● 离线</translation>
    </message>
    <message>
        <source>The server does not answer. Your work is kept on this laptop.</source>
        <translation>服务器没有响应。您的工作都保存在这台电脑上。</translation>
    </message>
    <message>
        <source>Grid: %1  ✕</source>
        <translation>网格：%1  ✕</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步……</translation>
    </message>
    <message>
        <source>%1 %2 of %3</source>
        <translation>%1 %2/%3</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
</context>
<context>
    <name>TaskActions</name>
    <message>
        <source>Reason or note (退回 and 退回重办 need one)</source>
        <translation>原因或备注（退回、退回重办须填写）</translation>
    </message>
    <message>
        <source>“%1” needs a reason</source>
        <translation>“%1”须填写原因</translation>
    </message>
</context>
<context>
    <name>TaskCreateDialog</name>
    <message>
        <source>Issue a task</source>
        <translation>下发任务</translation>
    </message>
    <message>
        <source>A grid</source>
        <translation>下发给网格</translation>
    </message>
    <message>
        <source>A named worker</source>
        <translation>指派给网格员</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>任务类型</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>任务标题</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>任务说明</translation>
    </message>
    <message>
        <source>Due (a working day)</source>
        <translation>截止日期（工作日）</translation>
    </message>
    <message>
        <source>optional: id of the household, site…</source>
        <translation>可选：住户、场所等记录的编号</translation>
    </message>
    <message>
        <source>Target record</source>
        <translation>任务对象</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Issue</source>
        <translation>下发</translation>
    </message>
</context>
<context>
    <name>TaskDeskScreen</name>
    <message>
        <source>Issue a task…</source>
        <translation>下发任务…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>By grid</source>
        <translation>按网格</translation>
    </message>
    <message>
        <source>By worker</source>
        <translation>按网格员</translation>
    </message>
    <message>
        <source>All tasks</source>
        <translation>全部任务</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>Task desk</source>
        <translation>任务督办</translation>
    </message>
    <message>
        <source>All tasks (%1)</source>
        <translation>全部任务（%1）</translation>
    </message>
</context>
<context>
    <name>TaskModel</name>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Grid / target</source>
        <translation>网格 / 对象</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <source>Countdown</source>
        <translation>倒计时</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>(target no longer here)</source>
        <translation>（对象已不在本机）</translation>
    </message>
    <message>
        <source>(whole grid)</source>
        <translation>（整个网格）</translation>
    </message>
    <message>
        <source>%1 working days overdue</source>
        <translation>逾期%1个工作日</translation>
    </message>
    <message>
        <source>due today</source>
        <translation>今天到期</translation>
    </message>
    <message>
        <source>%1 working days left</source>
        <translation>剩%1个工作日</translation>
    </message>
    <message>
        <source> · reminded ×%1</source>
        <translation> · 已催办×%1</translation>
    </message>
</context>
<context>
    <name>TodayScreen</name>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>visits due</source>
        <translation>待走访</translation>
    </message>
    <message>
        <source>rectifications due this week</source>
        <translation>本周到期整改</translation>
    </message>
    <message>
        <source>cases near their deadline</source>
        <translation>即将超时事件</translation>
    </message>
    <message>
        <source>Visits due</source>
        <translation>待走访</translation>
    </message>
    <message>
        <source>No visits due. Everyone has been seen.</source>
        <translation>暂无待走访对象，均已按期走访。</translation>
    </message>
    <message>
        <source>Rectifications due</source>
        <translation>到期整改</translation>
    </message>
    <message>
        <source>No rectification deadline this week.</source>
        <translation>本周没有到期的整改。</translation>
    </message>
    <message>
        <source>Cases near deadline</source>
        <translation>即将超时的事件</translation>
    </message>
    <message>
        <source>No case is close to its deadline.</source>
        <translation>没有即将超时的事件。</translation>
    </message>
    <message>
        <source>My day</source>
        <translation>今日待办</translation>
    </message>
    <message>
        <source>Could not load the day: %1</source>
        <translation>无法加载今日待办：%1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>人员标签</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>上次走访</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>走访期限</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>点位</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>整改项</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Working time left</source>
        <translation>剩余工作时间</translation>
    </message>
    <message>
        <source>%1 overdue</source>
        <translation>逾期%1</translation>
    </message>
    <message>
        <source>never visited</source>
        <translation>从未走访</translation>
    </message>
    <message>
        <source>due today</source>
        <translation>今天到期</translation>
    </message>
    <message>
        <source>due tomorrow</source>
        <translation>明天到期</translation>
    </message>
    <message>
        <source>due in %1 days</source>
        <translation>%1天后到期</translation>
    </message>
    <message>
        <source>1 day overdue</source>
        <translation>逾期1天</translation>
    </message>
    <message>
        <source>%1 days overdue</source>
        <translation>逾期%1天</translation>
    </message>
    <message>
        <source>1 day left</source>
        <translation>剩余1天</translation>
    </message>
    <message>
        <source>%1 days left</source>
        <translation>剩余%1天</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1天</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1小时%2分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1小时</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1分钟</translation>
    </message>
    <message>
        <source>past deadline</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>due now</source>
        <translation>已到期</translation>
    </message>
    <message>
        <source>%1 past deadline</source>
        <translation>已超时%1</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>剩余%1</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Unlock GridWorker</source>
        <translation>解锁网格通</translation>
    </message>
    <message>
        <source>Enter your local passphrase to open your data. No network is needed.</source>
        <translation>输入本机口令即可打开数据，无需联网。</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
</context>
<context>
    <name>UnreadNoticesDialog</name>
    <message>
        <source>Unread notices</source>
        <translation>未读通知</translation>
    </message>
    <message>
        <source>%1 unread notices</source>
        <translation>有 %1 条未读通知</translation>
    </message>
    <message>
        <source>, %1 of them must be read</source>
        <translation>，其中 %1 条必读</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后再看</translation>
    </message>
</context>
<context>
    <name>UnreadNoticesPanel</name>
    <message>
        <source>Unread notices</source>
        <translation>未读通知</translation>
    </message>
    <message>
        <source>Unread notices (%1)</source>
        <translation>未读通知（%1）</translation>
    </message>
</context>
<context>
    <name>VisitForm</name>
    <message>
        <source>Who you spoke with</source>
        <translation>与谁交谈</translation>
    </message>
    <message>
        <source>e.g. the party-building adviser</source>
        <translation>如：党建指导员</translation>
    </message>
    <message>
        <source>What you saw and heard</source>
        <translation>所见所闻</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>走访方式</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>走访时间</translation>
    </message>
    <message>
        <source>Members met</source>
        <translation>见面成员</translation>
    </message>
    <message>
        <source>People met</source>
        <translation>见面人员</translation>
    </message>
    <message>
        <source>Co-visitor</source>
        <translation>陪同人员</translation>
    </message>
    <message>
        <source>Situation</source>
        <translation>走访情况</translation>
    </message>
    <message>
        <source>Needs</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>Add need</source>
        <translation>添加需求</translation>
    </message>
    <message>
        <source>Remove need</source>
        <translation>删除需求</translation>
    </message>
    <message>
        <source>Save visit</source>
        <translation>保存走访</translation>
    </message>
    <message>
        <source>Discard draft</source>
        <translation>放弃草稿</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Visit to %1 (%2)</source>
        <translation>走访：%1（%2）</translation>
    </message>
    <message>
        <source>Draft of %1 restored</source>
        <translation>已恢复 %1 的草稿</translation>
    </message>
    <message>
        <source>This visit is not saved. Close the form? What you typed is kept as a draft for this household.</source>
        <translation>本次走访尚未保存，确定关闭吗？已填写的内容将作为该住户的草稿保留。</translation>
    </message>
    <message>
        <source>Draft saved %1</source>
        <translation>草稿已保存 %1</translation>
    </message>
    <message>
        <source>Visit saved.</source>
        <translation>走访已保存。</translation>
    </message>
</context>
<context>
    <name>VisitHistory</name>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>No visit to this household yet.</source>
        <translation>还没有走访过这一户。</translation>
    </message>
    <message>
        <source>No need was noted on this visit.</source>
        <translation>这次走访没有记录需求。</translation>
    </message>
    <message>
        <source>Recent visits</source>
        <translation>近期走访</translation>
    </message>
    <message>
        <source>Solved on the spot</source>
        <translation>当场解决</translation>
    </message>
    <message>
        <source>Report as case</source>
        <translation>上报为事件</translation>
    </message>
    <message>
        <source>Reported as a case: %1</source>
        <translation>已上报为事件：%1</translation>
    </message>
</context>
<context>
    <name>Visits</name>
    <message>
        <source>Time</source>
        <translation>走访时间</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>走访方式</translation>
    </message>
    <message>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>Needs</source>
        <translation>需求数</translation>
    </message>
    <message>
        <source>Situation</source>
        <translation>走访情况</translation>
    </message>
</context>
<context>
    <name>VisitsScreen</name>
    <message>
        <source>Find a household: name, address, no.</source>
        <translation>查找住户：姓名、地址、户号</translation>
    </message>
    <message>
        <source>No household matches.</source>
        <translation>没有符合条件的住户。</translation>
    </message>
    <message>
        <source>Choose a household on the left to record a visit.</source>
        <translation>在左侧选择住户以记录走访。</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>走访</translation>
    </message>
</context>
<context>
    <name>VolunteerDialog</name>
    <message>
        <source>New volunteer</source>
        <translation>新增志愿者</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>特长</translation>
    </message>
    <message>
        <source>The name is required</source>
        <translation>请填写姓名</translation>
    </message>
</context>
<context>
    <name>VolunteerTab</name>
    <message>
        <source>New activity…</source>
        <translation>新增活动…</translation>
    </message>
    <message>
        <source>New volunteer…</source>
        <translation>新增志愿者…</translation>
    </message>
    <message>
        <source>Record attendance…</source>
        <translation>登记参加…</translation>
    </message>
    <message>
        <source>Exchange points…</source>
        <translation>积分兑换…</translation>
    </message>
    <message>
        <source>Register a station…</source>
        <translation>登记邻里之家…</translation>
    </message>
    <message>
        <source>Stations…</source>
        <translation>邻里之家…</translation>
    </message>
    <message>
        <source>Settle…</source>
        <translation>核实处理…</translation>
    </message>
    <message>
        <source>Held on</source>
        <translation>活动日期</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>邻里之家</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Signed up</source>
        <translation>报名</translation>
    </message>
    <message>
        <source>Took part</source>
        <translation>参加</translation>
    </message>
    <message>
        <source>Volunteer</source>
        <translation>志愿者</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source> (canteen)</source>
        <translation>（幸福食堂）</translation>
    </message>
    <message>
        <source>Service stations of the community: %1</source>
        <translation>本社区邻里之家：%1</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>%1 %2 (%3 points)</source>
        <translation>%1 %2（%3 分）</translation>
    </message>
    <message>
        <source>Overdrawn exchanges to settle: %1</source>
        <translation>超额兑换待核实：%1</translation>
    </message>
</context>
<context>
    <name>WithdrawDialog</name>
    <message>
        <source>Withdraw</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Withdraw “%1”? It leaves the list on every laptop.</source>
        <translation>撤销“%1”？撤销后各台电脑的清单上都不再有它。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>撤销原因</translation>
    </message>
    <message>
        <source>Say why it is withdrawn</source>
        <translation>请写明撤销原因</translation>
    </message>
</context>
<context>
    <name>WorkStatsScreen</name>
    <message>
        <source>All my area</source>
        <translation>我的全部辖区</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Default order</source>
        <translation>恢复默认顺序</translation>
    </message>
    <message>
        <source>By grid code and person, not ranked</source>
        <translation>按网格编码和人员排列，不排名</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出Excel…</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>By grid</source>
        <translation>按网格</translation>
    </message>
    <message>
        <source>By person</source>
        <translation>按人员</translation>
    </message>
    <message>
        <source>Work statistics</source>
        <translation>工作统计</translation>
    </message>
    <message>
        <source>%1 to %2, %3 working days.</source>
        <translation>%1 至 %2，共%3个工作日。</translation>
    </message>
    <message>
        <source>In grid and name order, not ranked: click a column to sort by it.</source>
        <translation>按网格和人员排列，不排名；点击列标题可按该列排序。</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
</context>
</TS>
