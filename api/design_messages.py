"""The Chinese of what a designer reads when a deployment is checked, and of why a case cannot move to a version.

The engine writes these in English (``engine/validation.py`` and the checks it calls, ``engine/migration.py``);
``api/messages.py`` phrases them by the same English templates as its other messages. Only the frequent
templates are here: a problem whose text is not (SpiffWorkflow's own parser errors, a regular expression's
reason) stays English, its ``rule`` telling a tool what kind it is.
"""

from __future__ import annotations

FORM_KEY = ('set {vendor}:formKey="{key}" on the task (Camunda Modeler: Form → Type: Embedded or External Task '
            "Forms → Form key) and deploy {file}.json, a JSON Schema of the task's fields, with it")
TIMER_VALUES = ("write a duration like P10D or PT4H, a date-time, or a cycle like R3/P1D; a timer waits at most "
                "{days} days, and a cycle gives its count (at most {count}) and an interval of at least {seconds} s")
HANDLER = ("replace it with a script task, or register a service handler in the domain and name it with "
           "spiffworkflow:serviceTaskOperator")
PICK_MESSAGE = "choose the message it waits for (Camunda Modeler: Message → Global message reference); defined: {names}"
JUEL = "this is JUEL (Camunda 7, Activiti, Flowable); write the plain expression: {expression}"

DESIGN = {
    # files
    "no files were given": "没有上传文件",
    "give .bpmn, .dmn and .json form files": "请上传 .bpmn、.dmn 文件和 .json 表单文件",
    "unsupported file name": "不支持的文件名",
    "use plain names ending in .bpmn (or .bpmn20.xml), .dmn (or .dmn11.xml) or .json":
        "请使用以 .bpmn（或 .bpmn20.xml）、.dmn（或 .dmn11.xml）或 .json 结尾的普通文件名",
    "larger than {size}": "文件大于 {size}",
    "not valid JSON: {reason}": "不是有效的 JSON：{reason}",
    "not well-formed XML: {reason}": "不是格式正确的 XML：{reason}",
    "BPMN schema: {reason}": "不符合 BPMN 规范：{reason}",
    "DOCTYPE and ENTITY declarations are not allowed in uploaded XML":
        "上传的 XML 中不允许 DOCTYPE 和 ENTITY 声明",
    "remove the <!DOCTYPE …> block; BPMN and DMN files never need one":
        "请删除 <!DOCTYPE …> 部分；BPMN 和 DMN 文件从不需要它",
    "no executable process: every process has isExecutable=\"false\"":
        "没有可执行的流程：每个流程的 isExecutable 都为 \"false\"",
    "tick 'Executable' on the process in the modeler (Camunda Modeler: select the canvas, General → Executable)":
        "请在建模工具中勾选流程的“Executable”（Camunda Modeler：选中画布，General → Executable）",
    "called process '{process}' is not executable": "被调用的流程“{process}”不可执行",
    "tick 'Executable' on process '{process}'": "请在流程“{process}”上勾选“Executable”",
    # forms of user tasks
    "user task names no form": "用户任务未指定表单",
    "user task names form '{form}', which is not among the deployed files":
        "用户任务指定的表单“{form}”不在部署的文件中",
    "deploy {file}.json (a JSON Schema) with the diagram": "请将 {file}.json（JSON Schema）与流程图一同部署",
    "user task's form '{form}' is a Camunda HTML form, not a form of ours":
        "用户任务的表单“{form}”是 Camunda HTML 表单，不是本系统的表单",
    FORM_KEY: '请在任务上设置 {vendor}:formKey="{key}"（Camunda Modeler：Form → Type: Embedded or External Task Forms '
              "→ Form key），并一同部署 {file}.json（描述该任务字段的 JSON Schema）",
    "forms are JSON Schema 2020-12, not {version}": "表单须为 JSON Schema 2020-12，而不是 {version}",
    # lanes
    "the user task is in no lane, so no role is its candidate": "该用户任务不在任何泳道中，没有角色可以办理",
    "put it in the lane of the role that works it": "请将其放入办理它的角色的泳道",
    "the user task is in lane '{lane}', which is no role here, so nobody is its candidate":
        "该用户任务在泳道“{lane}”中，它不是本系统的角色，因此无人可以办理",
    "put it in a lane whose id is a role's: {lanes}": "请将其放入 id 为角色名的泳道：{lanes}",
    # paths and gateways
    "no path reaches this element from a start event": "没有从开始事件到达该元素的路径",
    "connect it with a sequence flow, or delete it": "请用顺序流连接它，或将其删除",
    "flow '{flow}' out of this {gateway} gateway has no condition and is not its default":
        "从该{gateway}网关流出的顺序流“{flow}”没有条件，也不是默认流",
    "add a condition to the flow or make it the gateway's default": "请为该顺序流添加条件，或将其设为网关的默认流",
    "{count} sequence flows leave this {element} without a gateway":
        "有 {count} 条顺序流不经网关离开该 {element}",
    "put a parallel gateway (every path) or an exclusive gateway (one path) after it":
        "请在其后放置并行网关（走每条路径）或排他网关（只走一条路径）",
    "a path of the diagram is too long for the engine to read (it follows each path step by step)":
        "流程图中有一条路径过长，引擎无法读取（引擎逐步跟随每条路径）",
    "split the path into sub-processes or called processes of a few hundred steps each":
        "请将该路径拆分为每个几百步以内的子流程或被调用流程",
    # what the engine cannot run
    "an abstract task (no type) waits for someone to mark it done": "抽象任务（未指定类型）会一直等待有人将其标为完成",
    "give it a type: a user task with a form, a script task, …": "请为其指定类型：带表单的用户任务、脚本任务……",
    "complex gateways are not supported": "不支持复杂网关",
    "use an exclusive, inclusive or parallel gateway": "请使用排他、包容或并行网关",
    "data stores are not supported": "不支持数据存储",
    "keep the data in the case: task data or a data object": "请将数据保存在案件中：任务数据或数据对象",
    "link events are not supported": "不支持链接事件",
    "draw a sequence flow to where the link leads": "请画一条顺序流连到链接所指向的位置",
    "conditional events are checked only when the case reaches them, never again, so the case would wait for ever":
        "条件事件只在案件到达时检查一次，之后不再检查，案件会一直等待",
    "use an exclusive gateway when the condition is known on arrival, or a message or timer event":
        "到达时条件已知的，请使用排他网关；否则请使用消息或定时事件",
    "Java delegate ({attribute}) is not supported": "不支持 Java 委托（{attribute}）",
    HANDLER: "请将其改为脚本任务，或在领域中注册服务处理器，并用 spiffworkflow:serviceTaskOperator 指定其名称",
    "external task (topic '{topic}') needs an outside worker, which the engine does not have":
        "外部任务（主题“{topic}”）需要外部执行者，本引擎没有",
    "service task names no handler": "服务任务未指定处理器",
    "name a registered handler with spiffworkflow:serviceTaskOperator (registered: {handlers})":
        "请用 spiffworkflow:serviceTaskOperator 指定一个已注册的处理器（已注册：{handlers}）",
    "no handler is registered for service '{service}'": "服务“{service}”没有注册处理器",
    "registered: {handlers}": "已注册：{handlers}",
    "calls '{task}', a global task, which the engine cannot run": "调用了全局任务“{task}”，引擎无法运行",
    "draw the task inside the process, or call a process": "请在流程内画出该任务，或调用一个流程",
    "a .dmn file must hold exactly one decision; it holds {count} ({names})":
        "一个 .dmn 文件须恰好包含一个决策；它包含 {count} 个（{names}）",
    "put each decision in a .dmn file of its own": "请将每个决策放在单独的 .dmn 文件中",
    "the sub-process has no contents (it is drawn collapsed and empty); it needs exactly one start event and an end "
    "event": "该子流程没有内容（画成了折叠的空子流程）；它需要恰好一个开始事件和一个结束事件",
    "open it and draw its steps, or replace it with a task": "请展开它并画出各个步骤，或用一个任务代替它",
    "a loop needs a loop condition or a loop maximum": "循环需要循环条件或最大循环次数",
    "set the loop condition (a plain expression) or loopMaximum": "请设置循环条件（普通表达式）或 loopMaximum",
    "a multi-instance activity needs exactly one of loop cardinality and input collection":
        "多实例活动须且只须设置循环基数和输入集合之一",
    "set Loop cardinality (a number or expression) or Input collection (camunda:collection is not read)":
        "请设置 Loop cardinality（数字或表达式）或 Input collection（不读取 camunda:collection）",
    # what the engine ignores
    "{attribute} is not read: candidates come from the task's lane": "不读取 {attribute}：办理人由任务所在泳道决定",
    "remove {attribute}": "请删除 {attribute}",
    "start forms are not used: a case starts with the data given when it is started":
        "不使用开始表单：案件以启动时给出的数据开始",
    "remove {attribute} from the start event": "请从开始事件中删除 {attribute}",
    # messages, errors and references
    "this message event names no message, so none can ever reach it": "该消息事件未指定消息，任何消息都无法到达",
    "this message boundary event names no message, so none can ever reach it":
        "该消息边界事件未指定消息，任何消息都无法到达",
    PICK_MESSAGE: "请选择它等待的消息（Camunda Modeler：Message → Global message reference）；已定义：{names}",
    "refers to {kind} '{name}', which no diagram defines": "引用的{kind}“{name}”没有任何流程图定义",
    "correlation refers to {kind} '{name}', which the diagram does not define":
        "关联引用的{kind}“{name}”在流程图中未定义",
    "choose a defined {kind} in the properties panel, or define it; defined: {names}":
        "请在属性面板中选择已定义的{kind}，或定义它；已定义：{names}",
    "choose a defined {kind} in the properties panel, or define it; no {other} is defined":
        "请在属性面板中选择已定义的{kind}，或定义它；目前没有定义任何{other}",
    "name one that exists (defined: {names}), or define it": "请指定一个已有的（已定义：{names}），或定义它",
    "the receive task names no message: the engine completes it at once, as if its message had come":
        "接收任务未指定消息：引擎会立即完成它，如同消息已到达",
    "the send task names no message and no work: the case passes it at once, having sent nothing":
        "发送任务未指定消息也没有工作：案件会直接经过它，什么也不发送",
    "this {element} has no id": "该 {element} 没有 id",
    "the sequence flow from '{source}' to '{target}' has no id": "从“{source}”到“{target}”的顺序流没有 id",
    "give it an id (any name unique in the file): the engine cannot connect or run an element without one":
        "请为其指定 id（文件内唯一的任意名称）：没有 id 的元素引擎无法连接或运行",
    # forms
    "reference '{reference}' does not resolve within the deployment": "引用“{reference}”在本次部署中无法解析",
    "refer to a part of this form (#/$defs/name) or to another form of the deployment by its file name "
    "(other.json#/$defs/name); URLs and files are never fetched":
        "请引用本表单的一部分（#/$defs/name），或按文件名引用本次部署中的另一个表单（other.json#/$defs/name）；"
        "从不获取网址和文件",
    "the form refers to itself without end": "表单无休止地引用自身",
    # expressions
    "FEEL correlation key '{key}' (Camunda 8) is not supported": "不支持 FEEL 关联键“{key}”（Camunda 8）",
    "expression refused: {reason}": "表达式被拒绝：{reason}",
    "expression language not supported: {expression}": "不支持该表达式语言：{expression}",
    JUEL: "这是 JUEL（Camunda 7、Activiti、Flowable）；请写成普通表达式：{expression}",
    "this is FEEL (Camunda 8); write the plain expression: {expression}":
        "这是 FEEL（Camunda 8）；请写成普通表达式：{expression}",
    "XPath expressions are not read by this engine": "本引擎不读取 XPath 表达式",
    # timers
    "the timer has both a value and the property '{property}'": "定时器既有值又有属性“{property}”",
    "clear the timer's value (Timer → Type: none) or remove the property":
        "请清除定时器的值（Timer → Type: none）或删除该属性",
    "property '{property}' has a value the engine cannot use: {reason}":
        "属性“{property}”的值引擎无法使用：{reason}",
    "the timer has no value": "定时器没有值",
    "set Timer → Type and Value, e.g. Duration P10D, Cycle R3/P1D or Date 2026-10-08T09:00:00+08:00":
        "请设置 Timer → Type 和 Value，例如 Duration P10D、Cycle R3/P1D 或 Date 2026-10-08T09:00:00+08:00",
    TIMER_VALUES: "请写时长（如 P10D 或 PT4H）、日期时间或周期（如 R3/P1D）；定时器最多等待 {days} 天，"
                  "周期须给出次数（最多 {count} 次），间隔至少 {seconds} 秒",
    "timer duration '{text}' is not an ISO 8601 duration such as P10D or PT4H":
        "定时器时长“{text}”不是 ISO 8601 时长（如 P10D 或 PT4H）",
    "timer duration '{text}' is longer than {days} days": "定时器时长“{text}”超过 {days} 天",
    "timer date '{text}' is not an ISO 8601 date-time": "定时器日期“{text}”不是 ISO 8601 日期时间",
    "timer date '{text}' is more than {days} days ahead": "定时器日期“{text}”在 {days} 天之后",
    "timer cycle '{text}' repeats for ever: give the number of repetitions (R<count>/…), at most {count}":
        "定时器周期“{text}”无限重复：请给出重复次数（R<次数>/…），最多 {count} 次",
    "timer cycle '{text}' repeats {times} times; at most {count}":
        "定时器周期“{text}”重复 {times} 次；最多 {count} 次",
    "timer cycle '{text}' repeats more often than every {interval}":
        "定时器周期“{text}”的重复间隔短于 {interval}",
    "timer value '{text}' is a cron expression, which this engine does not read":
        "定时器的值“{text}”是 cron 表达式，本引擎不读取",
    "a deadline without a reminder: nobody is warned before it passes": "期限没有提醒：到期前不会提醒任何人",
    "add a non-interrupting timer event before the deadline to remind the people working":
        "请在期限前添加一个非中断定时事件，提醒办理人员",
}
MIGRATION = {
    "task '{task}' ({state}) does not exist in the new version": "任务“{task}”（{state}）在新版本中不存在",
    "multi-instance task '{task}' is running; move the case once it has finished":
        "多实例任务“{task}”正在进行；请在其完成后再迁移案件",
    "running subprocess '{name}' does not exist in the new version": "正在运行的子流程“{name}”在新版本中不存在",
}
KINDS = {"error": "错误", "escalation": "升级", "message": "消息", "signal": "信号"}
WORDS = {
    "gateway": {"exclusive": "排他", "inclusive": "包容"},
    "kind": KINDS,
    "other": KINDS,
    "state": {"READY": "待办", "WAITING": "等待中", "STARTED": "进行中", "COMPLETED": "已完成", "ERROR": "出错"},
}
"""Words inside these messages (by the name of their part) and their Chinese."""
