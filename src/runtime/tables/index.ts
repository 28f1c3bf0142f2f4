export {
  keyColumnPositions,
  TABLE_SOURCE_STORE,
  TableSourceOperator,
  tableRowCodec,
  tableSourceStoreSpec,
} from './table-source-operator.js';
