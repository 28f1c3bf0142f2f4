export {
  JoinedTableMaterializer,
  type JoinedTableRow,
  type JoinedTableSpec,
  joinedTableRows,
  joinedTableStoreSpec,
} from './joined-table-store.js';
export {
  keyColumnPositions,
  TABLE_SOURCE_STORE,
  TableSourceOperator,
  tableRowCodec,
  tableSourceStoreSpec,
} from './table-source-operator.js';
