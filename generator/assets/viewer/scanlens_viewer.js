/**
* Called by the page's boot script with the unpacked report data (the compact dataset's JSON).
* @param {Uint8Array | number[]} data
*/
export function mount(data) {
const ptr0 = passArray8ToWasm0(data, wasm.$132);
const len0 = WASM_VECTOR_LEN;
wasm.mount(ptr0, len0);
}
function __wbg_get_imports() {
const import0 = {
__proto__: null,
$121: function(arg0, arg1) {
const ret = debugString(arg1);
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$118: function(arg0) {
const ret = typeof(arg0) === 'function';
return ret;
},
$119: function(arg0) {
const ret = arg0 === undefined;
return ret;
},
$116: function(arg0, arg1) {
const ret = arg0 === arg1;
return ret;
},
$117: function(arg0, arg1) {
const obj = arg1;
const ret = typeof(obj) === 'number' ? obj : undefined;
getDataViewMemory0().setFloat64((arg0 >>> 0) + 8 * 1, isLikeNone(ret) ? 0 : ret, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, !isLikeNone(ret), true);
},
$115: function(arg0, arg1) {
throw new Error(getStringFromWasm0(arg0, arg1));
},
$120: function(arg0) {
arg0._wbg_cb_unref();
},
$53: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.addEventListener(getStringFromWasm0(arg1, arg2), arg3, arg4);
}, arguments); },
$62: function(arg0) {
const ret = arg0.altKey;
return ret;
},
$56: function() { return handleError(function (arg0) {
arg0.blur();
}, arguments); },
$44: function(arg0) {
const ret = arg0.body;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$93: function(arg0) {
const ret = arg0.bubbles;
return ret;
},
$5: function(arg0) {
const ret = arg0.__yew_subtree_cache_key;
return isLikeNone(ret) ? Number.MAX_SAFE_INTEGER : (ret) >>> 0;
},
$89: function(arg0) {
const ret = arg0.cancelBubble;
return ret;
},
$81: function(arg0) {
const ret = arg0.childNodes;
return ret;
},
$12: function(arg0) {
const ret = clearTimeout(arg0);
return ret;
},
$26: function(arg0) {
const ret = arg0.clientHeight;
return ret;
},
$49: function(arg0) {
const ret = arg0.clipboard;
return ret;
},
$79: function() { return handleError(function (arg0) {
const ret = arg0.cloneNode();
return ret;
}, arguments); },
$90: function(arg0) {
const ret = arg0.composedPath();
return ret;
},
$42: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
const ret = arg0.createElementNS(arg1 === 0 ? undefined : getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
return ret;
}, arguments); },
$38: function() { return handleError(function (arg0, arg1, arg2) {
const ret = arg0.createElement(getStringFromWasm0(arg1, arg2));
return ret;
}, arguments); },
$40: function(arg0, arg1, arg2) {
const ret = arg0.createTextNode(getStringFromWasm0(arg1, arg2));
return ret;
},
$63: function(arg0) {
const ret = arg0.ctrlKey;
return ret;
},
$41: function(arg0) {
const ret = arg0.documentElement;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$22: function(arg0) {
const ret = arg0.document;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$10: function(arg0, arg1) {
let deferred0_0;
let deferred0_1;
try {
deferred0_0 = arg0;
deferred0_1 = arg1;
console.error(getStringFromWasm0(arg0, arg1));
} finally {
wasm.$134(deferred0_0, deferred0_1, 1);
}
},
$15: function(arg0, arg1) {
var v0 = getArrayJsValueFromWasm0(arg0, arg1);
wasm.$134(arg0, arg1 * 4, 4);
console.error(...(v0));
},
$57: function() { return handleError(function (arg0) {
arg0.focus();
}, arguments); },
$104: function(arg0) {
const ret = Array.from(arg0);
return ret;
},
$27: function(arg0, arg1, arg2, arg3) {
const ret = arg1.getAttribute(getStringFromWasm0(arg2, arg3));
var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.$132, wasm.$133);
var len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$100: function(arg0) {
const ret = arg0.getDate();
return ret;
},
$43: function(arg0, arg1, arg2) {
const ret = arg0.getElementById(getStringFromWasm0(arg1, arg2));
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$96: function(arg0) {
const ret = arg0.getFullYear();
return ret;
},
$102: function(arg0) {
const ret = arg0.getHours();
return ret;
},
$36: function() { return handleError(function (arg0, arg1, arg2, arg3) {
const ret = arg1.getItem(getStringFromWasm0(arg2, arg3));
var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.$132, wasm.$133);
var len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
}, arguments); },
$95: function(arg0) {
const ret = arg0.getMinutes();
return ret;
},
$103: function(arg0) {
const ret = arg0.getMonth();
return ret;
},
$101: function(arg0) {
const ret = arg0.getTime();
return ret;
},
$97: function(arg0) {
const ret = arg0.getTimezoneOffset();
return ret;
},
$13: function(arg0, arg1) {
const ret = arg0[arg1 >>> 0];
return ret;
},
$45: function() { return handleError(function (arg0, arg1) {
const ret = arg1.hash;
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
}, arguments); },
$21: function() { return handleError(function (arg0) {
const ret = arg0.history;
return ret;
}, arguments); },
$50: function(arg0) {
const ret = arg0.host;
return ret;
},
$19: function() { return handleError(function (arg0) {
const ret = arg0.innerHeight;
return ret;
}, arguments); },
$85: function() { return handleError(function (arg0, arg1, arg2) {
const ret = arg0.insertBefore(arg1, arg2);
return ret;
}, arguments); },
$25: function(arg0) {
let result;
try {
result = arg0 instanceof Element;
} catch (_) {
result = false;
}
const ret = result;
return ret;
},
$59: function(arg0) {
let result;
try {
result = arg0 instanceof HTMLElement;
} catch (_) {
result = false;
}
const ret = result;
return ret;
},
$65: function(arg0) {
let result;
try {
result = arg0 instanceof KeyboardEvent;
} catch (_) {
result = false;
}
const ret = result;
return ret;
},
$51: function(arg0) {
let result;
try {
result = arg0 instanceof ShadowRoot;
} catch (_) {
result = false;
}
const ret = result;
return ret;
},
$16: function(arg0) {
let result;
try {
result = arg0 instanceof Window;
} catch (_) {
result = false;
}
const ret = result;
return ret;
},
$105: function(arg0, arg1) {
const ret = Object.is(arg0, arg1);
return ret;
},
$61: function(arg0, arg1) {
const ret = arg1.key;
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$80: function(arg0) {
const ret = arg0.lastChild;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$14: function(arg0) {
const ret = arg0.length;
return ret;
},
$0: function(arg0) {
const ret = arg0.__yew_listener_id;
return isLikeNone(ret) ? Number.MAX_SAFE_INTEGER : (ret) >>> 0;
},
$20: function() { return handleError(function (arg0) {
const ret = arg0.localStorage;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
}, arguments); },
$23: function(arg0) {
const ret = arg0.location;
return ret;
},
$17: function() { return handleError(function (arg0, arg1, arg2) {
const ret = arg0.matchMedia(getStringFromWasm0(arg1, arg2));
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
}, arguments); },
$66: function(arg0) {
const ret = arg0.matches;
return ret;
},
$64: function(arg0) {
const ret = arg0.metaKey;
return ret;
},
$28: function(arg0, arg1) {
const ret = arg1.namespaceURI;
var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.$132, wasm.$133);
var len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$24: function(arg0) {
const ret = arg0.navigator;
return ret;
},
$98: function(arg0) {
const ret = new Date(arg0);
return ret;
},
$8: function() {
const ret = new Error();
return ret;
},
$106: function() {
const ret = new Object();
return ret;
},
$83: function(arg0) {
const ret = arg0.nextSibling;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$60: function(arg0) {
const ret = arg0.now();
return ret;
},
$99: function() {
const ret = Date.now();
return ret;
},
$86: function(arg0) {
const ret = arg0.parentElement;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$82: function(arg0) {
const ret = arg0.parentNode;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$47: function() { return handleError(function (arg0, arg1) {
const ret = arg1.pathname;
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
}, arguments); },
$18: function(arg0) {
const ret = arg0.performance;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$91: function(arg0) {
arg0.preventDefault();
},
$34: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4, arg5) {
arg0.pushState(arg1, getStringFromWasm0(arg2, arg3), arg4 === 0 ? undefined : getStringFromWasm0(arg4, arg5));
}, arguments); },
$39: function() { return handleError(function (arg0, arg1, arg2) {
const ret = arg0.querySelector(getStringFromWasm0(arg1, arg2));
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
}, arguments); },
$114: function(arg0) {
const ret = arg0.queueMicrotask;
return ret;
},
$113: function(arg0) {
queueMicrotask(arg0);
},
$32: function() { return handleError(function (arg0, arg1, arg2) {
arg0.removeAttribute(getStringFromWasm0(arg1, arg2));
}, arguments); },
$84: function() { return handleError(function (arg0, arg1) {
const ret = arg0.removeChild(arg1);
return ret;
}, arguments); },
$52: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.removeEventListener(getStringFromWasm0(arg1, arg2), arg3, arg4 !== 0);
}, arguments); },
$35: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4, arg5) {
arg0.replaceState(arg1, getStringFromWasm0(arg2, arg3), arg4 === 0 ? undefined : getStringFromWasm0(arg4, arg5));
}, arguments); },
$111: function(arg0) {
const ret = Promise.resolve(arg0);
return ret;
},
$54: function(arg0) {
const ret = arg0.scrollTop;
return ret;
},
$46: function() { return handleError(function (arg0, arg1) {
const ret = arg1.search;
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
}, arguments); },
$69: function(arg0) {
arg0.select();
},
$29: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.setAttribute(getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
}, arguments); },
$37: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.setItem(getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
}, arguments); },
$72: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.setProperty(getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
}, arguments); },
$11: function() { return handleError(function (arg0, arg1) {
const ret = setTimeout(arg0, arg1);
return ret;
}, arguments); },
$6: function(arg0, arg1) {
const ret = setTimeout(arg0, arg1);
return ret;
},
$112: function() { return handleError(function (arg0, arg1, arg2) {
const ret = Reflect.set(arg0, arg1, arg2);
return ret;
}, arguments); },
$3: function(arg0, arg1) {
arg0.__yew_subtree_cache_key = arg1 >>> 0;
},
$76: function(arg0, arg1) {
arg0.capture = arg1 !== 0;
},
$67: function(arg0, arg1) {
arg0.checked = arg1 !== 0;
},
$30: function(arg0, arg1, arg2) {
arg0.className = getStringFromWasm0(arg1, arg2);
},
$73: function() { return handleError(function (arg0, arg1, arg2) {
arg0.defaultValue = getStringFromWasm0(arg1, arg2);
}, arguments); },
$31: function(arg0, arg1, arg2) {
arg0.innerHTML = getStringFromWasm0(arg1, arg2);
},
$1: function(arg0, arg1) {
arg0.__yew_listener_id = arg1 >>> 0;
},
$87: function(arg0, arg1, arg2) {
arg0.nodeValue = arg1 === 0 ? undefined : getStringFromWasm0(arg1, arg2);
},
$78: function(arg0, arg1) {
arg0.once = arg1 !== 0;
},
$77: function(arg0, arg1) {
arg0.passive = arg1 !== 0;
},
$55: function(arg0, arg1) {
arg0.scrollTop = arg1;
},
$2: function(arg0, arg1) {
arg0.__yew_subtree_id = arg1 >>> 0;
},
$88: function(arg0, arg1, arg2) {
arg0.textContent = arg1 === 0 ? undefined : getStringFromWasm0(arg1, arg2);
},
$75: function(arg0, arg1, arg2) {
arg0.value = getStringFromWasm0(arg1, arg2);
},
$70: function(arg0, arg1, arg2) {
arg0.value = getStringFromWasm0(arg1, arg2);
},
$7: function(arg0, arg1) {
const ret = arg1.slice();
const ptr1 = passArrayJsValueToWasm0(ret, wasm.$132);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$9: function(arg0, arg1) {
const ret = arg1.stack;
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$107: function() {
const ret = typeof globalThis === 'undefined' ? undefined : globalThis;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$109: function() {
const ret = typeof global === 'undefined' ? undefined : global;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$108: function() {
const ret = typeof self === 'undefined' ? undefined : self;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$110: function() {
const ret = typeof window === 'undefined' ? undefined : window;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$58: function(arg0) {
const ret = arg0.style;
return ret;
},
$4: function(arg0) {
const ret = arg0.__yew_subtree_id;
return isLikeNone(ret) ? Number.MAX_SAFE_INTEGER : (ret) >>> 0;
},
$33: function(arg0, arg1) {
const ret = arg1.tagName;
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$92: function(arg0) {
const ret = arg0.target;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
$94: function(arg0, arg1) {
const ret = arg0.then(arg1);
return ret;
},
$71: function(arg0, arg1) {
const ret = arg1.value;
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$68: function(arg0, arg1) {
const ret = arg1.value;
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$74: function(arg0, arg1) {
const ret = arg1.value;
const ptr1 = passStringToWasm0(ret, wasm.$132, wasm.$133);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
$48: function(arg0, arg1, arg2) {
const ret = arg0.writeText(getStringFromWasm0(arg1, arg2));
return ret;
},
$123: function(arg0, arg1) {
const ret = makeMutClosure(arg0, arg1, $128);
return ret;
},
$124: function(arg0, arg1) {
const ret = makeClosure(arg0, arg1, $129);
return ret;
},
$125: function(arg0, arg1) {
const ret = makeMutClosure(arg0, arg1, $130);
return ret;
},
$126: function(arg0, arg1) {
const ret = makeMutClosure(arg0, arg1, $131);
return ret;
},
$127: function(arg0, arg1) {
const ret = getStringFromWasm0(arg0, arg1);
return ret;
},
$122: function() {
const table = wasm.$137;
table.set(0, undefined);
table.set(1024, undefined);
table.set(1025, null);
table.set(1026, true);
table.set(1027, false);
},
};
return {
__proto__: null,
"./scanlens_viewer_bg.js": import0,
};
}
function $131(arg0, arg1) {
wasm.$131(arg0, arg1);
}
function $129(arg0, arg1, arg2) {
wasm.$129(arg0, arg1, arg2);
}
function $130(arg0, arg1, arg2) {
wasm.$130(arg0, arg1, arg2);
}
function $128(arg0, arg1, arg2) {
const ret = wasm.$128(arg0, arg1, arg2);
if (ret[1]) {
throw takeFromExternrefTable0(ret[0]);
}
}
function addToExternrefTable0(obj) {
const idx = wasm.$136();
wasm.$137.set(idx, obj);
return idx;
}
const CLOSURE_DTORS = (typeof FinalizationRegistry === 'undefined')
? { register: () => {}, unregister: () => {} }
: new FinalizationRegistry(state => wasm.$139(state.a, state.b));
function debugString(val) {
switch (typeof val) {
case 'number':
case 'boolean':
case 'undefined':
return `${val}`;
case 'string':
return JSON.stringify(val);
case 'bigint':
return `${val}n`;
case 'symbol':
return val.description !== undefined
? `Symbol(${val.description})`
: 'Symbol';
case 'function':
return typeof val.name === 'string' && val.name !== ''
? `Function(${val.name})`
: 'Function';
case 'object': {
if (val === null) {
return 'null';
}
if (Array.isArray(val)) {
return '[' + Array.from(val, debugString).join(', ') + ']';
}
if (val instanceof Error) {
return `${val.name}: ${val.message}\n${val.stack}`;
}
const toStringOutput = toString.call(val);
const className = /\[object ([^\]]+)\]/.exec(toStringOutput)?.[1];
if (className === undefined) {
return toStringOutput;
}
if (className === 'Object') {
try {
return 'Object(' + JSON.stringify(val) + ')';
} catch (_) {
return 'Object';
}
}
return className;
}
}
}
function getArrayJsValueFromWasm0(ptr, len) {
ptr = ptr >>> 0;
const mem = getDataViewMemory0();
const result = [];
for (let i = ptr; i < ptr + 4 * len; i += 4) {
result.push(wasm.$137.get(mem.getUint32(i, true)));
}
wasm.$138(ptr, len);
return result;
}
let cachedDataViewMemory0 = null;
function getDataViewMemory0() {
if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {
cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
}
return cachedDataViewMemory0;
}
function getStringFromWasm0(ptr, len) {
ptr = ptr >>> 0;
return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}
let cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
}
return cachedUint8ArrayMemory0;
}
function handleError(f, args) {
try {
return f.apply(this, args);
} catch (e) {
const idx = addToExternrefTable0(e);
wasm.$135(idx);
}
}
function isLikeNone(x) {
return x === undefined || x === null;
}
function makeClosure(arg0, arg1, f) {
const state = { a: arg0, b: arg1, cnt: 1 };
const real = (...args) => {
state.cnt++;
try {
return f(state.a, state.b, ...args);
} finally {
real._wbg_cb_unref();
}
};
real._wbg_cb_unref = () => {
if (--state.cnt === 0) {
wasm.$139(state.a, state.b);
state.a = 0;
CLOSURE_DTORS.unregister(state);
}
};
CLOSURE_DTORS.register(real, state, state);
return real;
}
function makeMutClosure(arg0, arg1, f) {
const state = { a: arg0, b: arg1, cnt: 1 };
const real = (...args) => {
state.cnt++;
const a = state.a;
state.a = 0;
try {
return f(a, state.b, ...args);
} finally {
state.a = a;
real._wbg_cb_unref();
}
};
real._wbg_cb_unref = () => {
if (--state.cnt === 0) {
wasm.$139(state.a, state.b);
state.a = 0;
CLOSURE_DTORS.unregister(state);
}
};
CLOSURE_DTORS.register(real, state, state);
return real;
}
function passArray8ToWasm0(arg, malloc) {
const ptr = malloc(arg.length * 1, 1) >>> 0;
getUint8ArrayMemory0().set(arg, ptr / 1);
WASM_VECTOR_LEN = arg.length;
return ptr;
}
function passArrayJsValueToWasm0(array, malloc) {
const ptr = malloc(array.length * 4, 4) >>> 0;
for (let i = 0; i < array.length; i++) {
const add = addToExternrefTable0(array[i]);
getDataViewMemory0().setUint32(ptr + 4 * i, add, true);
}
WASM_VECTOR_LEN = array.length;
return ptr;
}
function passStringToWasm0(arg, malloc, realloc) {
if (realloc === undefined) {
const buf = cachedTextEncoder.encode(arg);
const ptr = malloc(buf.length, 1) >>> 0;
getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
WASM_VECTOR_LEN = buf.length;
return ptr;
}
let len = arg.length;
let ptr = malloc(len, 1) >>> 0;
const mem = getUint8ArrayMemory0();
let offset = 0;
for (; offset < len; offset++) {
const code = arg.charCodeAt(offset);
if (code > 0x7F) break;
mem[ptr + offset] = code;
}
if (offset !== len) {
if (offset !== 0) {
arg = arg.slice(offset);
}
ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
const ret = cachedTextEncoder.encodeInto(arg, view);
offset += ret.written;
ptr = realloc(ptr, len, offset, 1) >>> 0;
}
WASM_VECTOR_LEN = offset;
return ptr;
}
function takeFromExternrefTable0(idx) {
const value = wasm.$137.get(idx);
wasm.$140(idx);
return value;
}
let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
cachedTextDecoder.decode();
const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(bytes) {
numBytesDecoded += bytes.length;
if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
cachedTextDecoder.decode();
numBytesDecoded = bytes.length;
}
return cachedTextDecoder.decode(bytes);
}
const cachedTextEncoder = new TextEncoder();
let WASM_VECTOR_LEN = 0;
let wasmModule, wasmInstance, wasm;
function __wbg_finalize_init(instance, module) {
wasmInstance = instance;
wasm = instance.exports;
wasmModule = module;
cachedDataViewMemory0 = null;
cachedUint8ArrayMemory0 = null;
wasm.$141();
return wasm;
}
function initSync(module) {
if (wasm !== undefined) return wasm;
if (module !== undefined) {
if (Object.getPrototypeOf(module) === Object.prototype) {
({module} = module)
} else {
console.warn('using deprecated parameters for `initSync()`; pass a single object instead')
}
}
const imports = __wbg_get_imports();
if (!(module instanceof WebAssembly.Module)) {
module = new WebAssembly.Module(module);
}
const instance = new WebAssembly.Instance(module, imports);
return __wbg_finalize_init(instance, module);
}
export { initSync };
