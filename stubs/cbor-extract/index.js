// cbor-x treats a falsy export as "no native acceleration" and decodes in JavaScript.
module.exports = null;
